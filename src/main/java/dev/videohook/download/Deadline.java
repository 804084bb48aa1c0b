package dev.videohook.download;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The instant a download must stop by, so that the invocation still has time to abort its upload
 * and note the attempt on the job before Lambda ends it. Checked between reads, parts and sources;
 * {@link #none()} never passes (the local stack, the CLI's redrive).
 */
public final class Deadline {
  private static final long MIB = 1024 * 1024;
  private static final Deadline NONE = new Deadline(Clock.systemUTC(), null);

  private final Clock clock;
  private final Instant at;

  private Deadline(Clock clock, Instant at) {
    this.clock = clock;
    this.at = at;
  }

  /** No deadline. */
  public static Deadline none() {
    return NONE;
  }

  /** {@code at}, as {@code clock} tells the time. */
  public static Deadline at(Instant at, Clock clock) {
    return new Deadline(clock, at);
  }

  /** {@code remaining} from now, less {@code margin}. */
  public static Deadline fromRemaining(Clock clock, Duration remaining, Duration margin) {
    return new Deadline(clock, clock.instant().plus(remaining).minus(margin));
  }

  /** The time left, or empty for no deadline; zero or negative once passed. */
  Optional<Duration> remaining() {
    return at == null ? Optional.empty() : Optional.of(Duration.between(clock.instant(), at));
  }

  public boolean passed() {
    return at != null && !clock.instant().isBefore(at);
  }

  /**
   * @param bytes what the download in progress has read so far, for the reason
   * @throws DownloadException (a {@link DownloadException#isDeadline deadline}) once passed
   */
  void check(long bytes) {
    if (passed()) {
      throw DownloadException.deadline(
          "deadline: the invocation would time out after " + bytes / MIB + " MiB");
    }
  }

  @Override
  public String toString() {
    return at == null ? "none" : at.toString();
  }
}
