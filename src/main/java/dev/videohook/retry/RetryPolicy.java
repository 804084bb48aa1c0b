package dev.videohook.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded retries of transient failures, inside one invocation: exponential backoff capped at a
 * maximum, with jitter (each pause is drawn between half and all of its backoff).
 *
 * @param maxAttempts attempts in all, the first one included
 * @param baseDelay the backoff before the second attempt
 * @param maxDelay the largest backoff
 * @param sleeper how to pause (tests pass one that does not wait)
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Sleeper sleeper) {
  private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

  /** One attempt at some work. */
  @FunctionalInterface
  public interface Attempt<T> {
    T run();
  }

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(8), Sleeper.SYSTEM);
  }

  /**
   * Runs {@code attempt} until it succeeds, fails with anything but a {@link Transient} failure
   * that says it is, or runs out of attempts; the last failure is thrown.
   */
  public <T> T run(String what, Attempt<T> attempt) {
    for (int n = 1; ; n++) {
      try {
        return attempt.run();
      } catch (RuntimeException e) {
        if (!(e instanceof Transient failure) || !failure.isTransient() || n >= maxAttempts) {
          throw e;
        }
        Duration pause = backoff(n);
        LOG.atInfo()
            .addKeyValue("what", what)
            .addKeyValue("attempt", n)
            .addKeyValue("maxAttempts", maxAttempts)
            .addKeyValue("retryInMs", pause.toMillis())
            .setCause(e)
            .log("attempt failed, retrying");
        try {
          sleeper.sleep(pause);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          e.addSuppressed(interrupted);
          throw e;
        }
      }
    }
  }

  /** The pause after failed attempt {@code n}: {@link Backoff#capped}, jittered into [d/2, d]. */
  Duration backoff(int n) {
    long capped = Backoff.capped(baseDelay, maxDelay, n).toNanos();
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    return Duration.ofNanos(jittered);
  }
}
