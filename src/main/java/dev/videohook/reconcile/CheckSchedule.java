package dev.videohook.reconcile;

import dev.videohook.job.Job;
import java.time.Duration;
import java.time.Instant;

/**
 * When the reconciler looks again at a pending job it could not settle, and when it gives up on
 * one. The gap grows with the job's age, a quarter of it (at least {@link #MIN_GAP}, at most {@link
 * #MAX_GAP}): a backoff in the number of looks, without a counter to keep, so a job that keeps
 * failing is asked less and less often while the jobs never looked at go first. The next look never
 * falls after the job's deadline, so every job is looked at once more when its time is up.
 */
final class CheckSchedule {
  static final Duration MIN_GAP = Duration.ofMinutes(10);
  static final Duration MAX_GAP = Duration.ofHours(2);

  private final Duration deadline;

  CheckSchedule(Duration deadline) {
    this.deadline = deadline;
  }

  /** The job's submit time (its last change when it has none), null when it has neither. */
  static Instant since(Job job) {
    return job.times().submittedAt() != null ? job.times().submittedAt() : job.times().updatedAt();
  }

  /** True once the job has been given all its time. */
  boolean pastDeadline(Job job, Instant now) {
    Instant since = since(job);
    return since != null && !since.plus(deadline).isAfter(now);
  }

  Instant nextCheck(Job job, Instant now) {
    Instant since = since(job);
    Duration age = since == null ? Duration.ZERO : Duration.between(since, now);
    Duration gap = age.dividedBy(4);
    if (gap.compareTo(MIN_GAP) < 0) {
      gap = MIN_GAP;
    } else if (gap.compareTo(MAX_GAP) > 0) {
      gap = MAX_GAP;
    }
    Instant next = now.plus(gap);
    if (since != null && next.isAfter(since.plus(deadline))) {
      next = since.plus(deadline);
    }
    return next;
  }
}
