package dev.videohook.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.download.DownloadException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final List<Duration> pauses = new ArrayList<>();
  private final RetryPolicy policy =
      new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(300), pauses::add);

  /**
   * The policy's run of an action that counts its calls and fails each time with {@code failure}.
   */
  private DownloadException runFailing(AtomicInteger calls, DownloadException failure) {
    return assertThrows(
        DownloadException.class,
        () ->
            policy.run(
                "test",
                () -> {
                  calls.incrementAndGet();
                  throw failure;
                }));
  }

  @Test
  void run_shouldPauseWithGrowingJitteredBackoff_untilAttemptsRunOut() {
    AtomicInteger calls = new AtomicInteger();
    DownloadException last = DownloadException.retryable("HTTP 503");

    DownloadException thrown = runFailing(calls, last);

    assertSame(last, thrown);
    assertEquals(4, calls.get());
    assertEquals(3, pauses.size());
    long[][] bounds = {{50, 100}, {100, 200}, {150, 300}};
    for (int i = 0; i < 3; i++) {
      long ms = pauses.get(i).toMillis();
      assertTrue(ms >= bounds[i][0] && ms <= bounds[i][1], "pause " + i + " was " + ms + " ms");
    }
  }

  @Test
  void run_shouldNotRetry_whenTheFailureIsPermanent() {
    AtomicInteger calls = new AtomicInteger();

    runFailing(calls, DownloadException.permanent("HTTP 404"));

    assertEquals(1, calls.get());
    assertEquals(List.of(), pauses);
  }
}
