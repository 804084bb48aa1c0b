package dev.videohook.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** What the command line and the jobs page read: jobs by key, by status and by tenant. */
public interface JobQueries {
  /** The job as stored now (a consistent read). */
  Optional<Job> find(JobKey job);

  /** The delivery that set a job's terminal state, as the job item keeps it (raw event too). */
  Optional<DeliveryRecord> terminalDelivery(JobKey job);

  /** A delivery item (a late terminal event, an unknown event type) by its dedupe key. */
  Optional<DeliveryRecord> findDelivery(JobKey job, String dedupeKey);

  /**
   * Jobs in {@code status} whose last change was before {@code before}, oldest first, at most
   * {@code limit} a page.
   *
   * @param cursor where the previous page stopped, or null for the first page
   * @throws IllegalArgumentException for a limit under 1
   */
  JobPage jobsInStatus(JobStatus status, Instant before, int limit, JobPage.Cursor cursor);

  /** A tenant's jobs, most recently updated first, at most {@code limit}. */
  List<Job> recentJobs(String tenant, int limit);

  /** A tenant's jobs last updated at or after {@code since}, most recent first, all of them. */
  List<Job> jobsUpdatedSince(String tenant, Instant since);

  /**
   * A tenant's jobs last updated at or after {@code since}, oldest first, each with only what a
   * cost report needs (identity, status, model, usage), handed over one at a time.
   */
  void forEachJobCost(String tenant, Instant since, Consumer<Job> each);
}
