package dev.videohook.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongConsumer;

/**
 * A download's progress on standard error, at most one line a second (and the first read at once),
 * so that a long download is not silence and standard output keeps the results alone.
 */
final class Progress implements LongConsumer {
  private static final double MIB = 1024 * 1024;
  private static final Duration EVERY = Duration.ofSeconds(1);

  private final PrintWriter err;
  private final String what;
  private final Clock clock;
  private Instant last;

  Progress(PrintWriter err, String what, Clock clock) {
    this.err = err;
    this.what = what;
    this.clock = clock;
  }

  @Override
  public void accept(long bytes) {
    Instant now = clock.instant();
    if (last != null && now.isBefore(last.plus(EVERY))) {
      return;
    }
    last = now;
    err.printf("%s: %.1f MiB downloaded%n", what, bytes / MIB);
    err.flush();
  }
}
