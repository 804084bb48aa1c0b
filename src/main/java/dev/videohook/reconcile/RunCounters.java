package dev.videohook.reconcile;

import dev.videohook.provider.Provider;
import dev.videohook.retry.Backoff;
import dev.videohook.retry.Deadline;
import dev.videohook.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * One reconciler run's counters and limits: the time the run must stop by, shared by both passes,
 * and the provider back-off. Each pass counts its own jobs against its own cap, so neither can use
 * up the other's.
 */
final class RunCounters {
  static final int MAX_CONSECUTIVE_THROTTLES = 3;
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

  private final Clock clock;
  private final Sleeper sleeper;
  final Instant stopBy;

  /**
   * The most one provider call may take: a quarter of the run. A provider that stalls on a job then
   * costs the run at most that per call, and after {@value #MAX_CONSECUTIVE_THROTTLES} such calls
   * in a row it is left alone, so the run always has time for the jobs after the stalled ones (and
   * for another provider's).
   */
  final Duration callShare;

  final Map<Provider, Integer> consecutiveThrottles = new EnumMap<>(Provider.class);
  final Set<Provider> backingOff = EnumSet.noneOf(Provider.class);
  int examined;
  int recovered;
  int duplicates;
  int alreadyTerminal;
  int stillRunning;
  int expired;
  int throttled;
  int errors;
  int skipped;
  int strandedExamined;
  int strandedDownloads;
  boolean interrupted;

  RunCounters(Clock clock, Sleeper sleeper, Instant stopBy) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.stopBy = stopBy;
    Duration run = Duration.between(clock.instant(), stopBy);
    this.callShare = run.isNegative() ? Duration.ZERO : run.dividedBy(4);
  }

  /**
   * The deadline of a provider call started now: its share of the run ({@link #callShare}), never
   * past {@link #stopBy}. No call outlives the run, and no one call spends it.
   */
  Deadline callDeadline() {
    Instant shareEnds = clock.instant().plus(callShare);
    return Deadline.at(shareEnds.isBefore(stopBy) ? shareEnds : stopBy, clock);
  }

  /** True while the run has time left and was not interrupted. */
  boolean hasTime() {
    return !interrupted && clock.instant().isBefore(stopBy);
  }

  /**
   * Whether the wait a provider asked for ({@code Retry-After}, or until {@code X-RateLimit-Reset})
   * is longer than this run would wait: longer than the longest back-off, or past the run's end.
   * Such a provider is left alone for the rest of the run instead of being asked again early.
   */
  boolean waitsTooLong(Duration asked) {
    return asked.compareTo(MAX_BACKOFF) > 0 || clock.instant().plus(asked).isAfter(stopBy);
  }

  /** Waits 1 s, 2 s, 4 s, ... (at most 20 s), never past the run's deadline. */
  void backOff(int inARow) {
    backOff(inARow, Duration.ZERO);
  }

  /**
   * As {@link #backOff(int)}, but at least {@code asked}, the wait the provider asked for: a
   * provider's own hint is never cut short by a shorter back-off of ours.
   */
  void backOff(int inARow, Duration asked) {
    Duration own = Backoff.capped(FIRST_BACKOFF, MAX_BACKOFF, inARow);
    Duration wait = own.compareTo(asked) >= 0 ? own : asked;
    Duration left = Duration.between(clock.instant(), stopBy);
    if (left.isNegative() || left.isZero()) {
      return;
    }
    try {
      sleeper.sleep(wait.compareTo(left) < 0 ? wait : left);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      interrupted = true;
    }
  }

  ReconcileReport report(boolean exhausted) {
    return new ReconcileReport(
        examined,
        recovered,
        duplicates,
        alreadyTerminal,
        stillRunning,
        expired,
        throttled,
        errors,
        skipped,
        strandedDownloads,
        exhausted && skipped == 0 && !interrupted);
  }
}
