package dev.videohook.testing;

import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.local.LocalPorts;
import dev.videohook.local.LocalVideohook;
import dev.videohook.retry.RetryPolicy;
import dev.videohook.retry.Sleeper;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole local stack ({@link LocalVideohook}: moto, the simulated providers, the API server and
 * the stream pollers), started once for a test class on a free port and closed after it. Register
 * it as {@code @RegisterExtension static final LocalStackExtension local = new
 * LocalStackExtension();} and reach the stack with {@code local.stack()}.
 */
public final class LocalStackExtension implements BeforeAllCallback, AfterAllCallback {
  /**
   * The download function's retries with the Lambda's number of attempts and pauses of milliseconds
   * instead of seconds: for a test whose downloads fail on purpose, every attempt and fallback
   * still runs, without the production backoff's waiting.
   */
  public static final RetryPolicy QUICK_DOWNLOAD_RETRIES =
      new RetryPolicy(
          RetryPolicy.defaults().maxAttempts(),
          Duration.ofMillis(10),
          Duration.ofMillis(40),
          Sleeper.SYSTEM);

  private final Map<String, String> environment;
  private final RetryPolicy downloadRetries;
  private LocalVideohook stack;

  /** The stack with serve's defaults. */
  public LocalStackExtension() {
    this(Map.of());
  }

  /** The stack with these settings on top of serve's defaults. */
  public LocalStackExtension(Map<String, String> environment) {
    this(environment, RetryPolicy.defaults());
  }

  private LocalStackExtension(Map<String, String> environment, RetryPolicy downloadRetries) {
    this.environment = Map.copyOf(environment);
    this.downloadRetries = downloadRetries;
  }

  /** This stack, its downloads retried with {@link #QUICK_DOWNLOAD_RETRIES}. */
  public LocalStackExtension withQuickDownloadRetries() {
    return new LocalStackExtension(environment, QUICK_DOWNLOAD_RETRIES);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    stack = LocalVideohook.start(LocalPorts.any(0), environment, downloadRetries);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (stack != null) {
      stack.close();
    }
  }

  /** The running stack; only from a test, or from a set-up that runs after {@code beforeAll}. */
  public LocalVideohook stack() {
    return stack;
  }

  /** The job once it leaves completed (stored or download_failed), or as it is after 60 s. */
  public Job awaitPastCompleted(JobKey key) throws InterruptedException {
    return await(stack, key, status -> status != JobStatus.COMPLETED);
  }

  /** The job once it is stored, or as it is after 60 s, on {@code stack}. */
  public static Job awaitStored(LocalVideohook stack, JobKey key) throws InterruptedException {
    return await(stack, key, status -> status == JobStatus.STORED);
  }

  private static Job await(LocalVideohook stack, JobKey key, Predicate<JobStatus> done)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    Optional<Job> job = stack.jobStore().find(key);
    while (Instant.now().isBefore(deadline) && (job.isEmpty() || !done.test(job.get().status()))) {
      Thread.sleep(100);
      job = stack.jobStore().find(key);
    }
    return job.orElseThrow();
  }
}
