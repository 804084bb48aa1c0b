package dev.videohook.job;

import java.time.Instant;

/**
 * Jobs submitted and not yet finished: submit records one, and the reconciler finds the ones whose
 * webhook is late, notes when it looks again, and gives up on them past their deadline. Every write
 * after the submit is conditional on the job being {@code pending} still, so a webhook that got
 * there first wins.
 */
public interface PendingJobs {
  /**
   * Records a job just submitted as {@code pending}; if its webhook came first, the terminal state
   * stays and only the submit details (model, prompt cut to its bound, submit time) are added.
   */
  void recordSubmitted(JobKey job, String model, String prompt, Instant submittedAt);

  /**
   * Jobs still {@code pending} whose last change was before {@code before}, oldest first, a page at
   * a time.
   *
   * @param cursor where the previous page stopped, or null for the first page
   */
  JobPage pendingUpdatedBefore(Instant before, int limit, JobPage.Cursor cursor);

  /**
   * As {@link #pendingUpdatedBefore}, keeping the jobs the reconciler never looked at ({@code
   * neverChecked}), or those whose next check is due by {@code now}. The filter applies after the
   * limit: a page may hold fewer jobs than {@code limit} (even none) and still have a next one.
   */
  JobPage pendingToCheck(
      Instant before, Instant now, boolean neverChecked, int limit, JobPage.Cursor cursor);

  /**
   * The reconciler's note on a pending job it could not settle: when to look again, and why. The
   * job's last change stays where it was; a job no longer pending is left alone.
   */
  void deferPending(JobKey job, Instant nextCheck, String lastOutcome);

  /**
   * A job still {@code pending} becomes {@code expired}, with the reason as its error and no
   * terminal delivery (so the provider's own terminal event may still replace it, once).
   *
   * @return true if the job was moved, false if it was not pending (or is gone)
   */
  boolean expirePending(JobKey job, String reason, Instant at);
}
