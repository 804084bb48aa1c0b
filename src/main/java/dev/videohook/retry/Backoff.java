package dev.videohook.retry;

import java.time.Duration;

/** The one back-off formula: exponential from a first pause, capped. */
public final class Backoff {
  private Backoff() {}

  /**
   * The pause after failure {@code n} (1 for the first): {@code first * 2^(n-1)}, at most {@code
   * max}.
   */
  public static Duration capped(Duration first, Duration max, int n) {
    long cap = max.toNanos();
    long pause = Math.max(1, first.toNanos());
    for (int i = 1; i < n && pause < cap; i++) {
      pause *= 2;
    }
    return Duration.ofNanos(Math.min(pause, cap));
  }
}
