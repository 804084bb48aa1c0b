package dev.videohook.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Waits for something another thread or process does. Polls every 50 ms: each condition should be a
 * cheap read (GetItem, Query, a counter), never a full Scan, which moto serves slowly and while
 * holding every other request back.
 */
public final class Await {
  public static final Duration DEFAULT = Duration.ofSeconds(120);

  private Await() {}

  public static void until(BooleanSupplier condition, String what) {
    until(condition, DEFAULT, what);
  }

  public static void until(BooleanSupplier condition, Duration timeout, String what) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (!Instant.now().isBefore(deadline)) {
        fail("not within " + timeout + ": " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted while waiting: " + what);
      }
    }
  }
}
