package dev.videohook.retry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The instant work must stop by: a download, so that the invocation still has time to abort its
 * upload and note the attempt on the job before Lambda ends it; a reconciler run, whose provider
 * calls end with it. Every outbound call takes the time left as its one total deadline (headers and
 * body). {@link #none()} never passes (the local stack, the CLI's redrive).
 */
public final class Deadline {
  private static final Deadline NONE = new Deadline(Clock.systemUTC(), null, null, bytes -> {});

  private final Clock clock;
  private final Instant at;
  private final Instant end;
  private final LongConsumer progress;

  private Deadline(Clock clock, Instant at, Instant end, LongConsumer progress) {
    this.clock = clock;
    this.at = at;
    this.end = end;
    this.progress = progress;
  }

  /** No deadline. */
  public static Deadline none() {
    return NONE;
  }

  /** {@code at}, as {@code clock} tells the time. */
  public static Deadline at(Instant at, Clock clock) {
    return new Deadline(clock, at, at, NONE.progress);
  }

  /** {@code remaining} from now, less {@code margin}. */
  public static Deadline fromRemaining(Clock clock, Duration remaining, Duration margin) {
    Instant end = clock.instant().plus(remaining);
    return new Deadline(clock, end.minus(margin), end, NONE.progress);
  }

  /**
   * This deadline; or, for {@link #none()}, one {@code remaining} from now less {@code margin}
   * (reporting to the same progress): a download that holds a job's lease must stop before the
   * lease ends, or another could take the job over while it still writes.
   */
  public Deadline orWithin(Clock clock, Duration remaining, Duration margin) {
    if (at != null) {
      return this;
    }
    return fromRemaining(clock, remaining, margin).reportingTo(progress);
  }

  /**
   * When the claimant's time is up (the invocation's end, before the margin the download stops by;
   * for {@link #at}, the same instant): what a lease it takes may last. Empty for no deadline.
   */
  public Optional<Instant> end() {
    return Optional.ofNullable(end);
  }

  /**
   * This deadline, also telling {@code progress} the bytes read from the current source after every
   * read: the deadline is what every read already consults (the command line's progress line).
   */
  public Deadline reportingTo(LongConsumer progress) {
    return new Deadline(clock, at, end, progress);
  }

  /** The time left, or empty for no deadline; zero or negative once passed. */
  public Optional<Duration> remaining() {
    return at == null ? Optional.empty() : Optional.of(Duration.between(clock.instant(), at));
  }

  /**
   * The time a call started now may take: the time left, never more than {@code cap} (a call's own
   * limit), never negative.
   */
  public Duration timeLeftWithin(Duration cap) {
    Duration left = remaining().orElse(cap);
    if (left.isNegative()) {
      return Duration.ZERO;
    }
    return left.compareTo(cap) < 0 ? left : cap;
  }

  public boolean passed() {
    return at != null && !clock.instant().isBefore(at);
  }

  /** Tells the progress listener what the download in progress has read so far. */
  public void report(long bytes) {
    progress.accept(bytes);
  }

  @Override
  public String toString() {
    return at == null ? "none" : at.toString();
  }
}
