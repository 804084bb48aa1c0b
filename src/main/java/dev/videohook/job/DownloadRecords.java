package dev.videohook.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the downloader reads and writes of a job: whether it still waits for its video, then where
 * the video went, or why it could not be fetched. Every write is conditional on the job waiting for
 * its video ({@link JobStatus#isWaitingForVideo}), so a job stored meanwhile, or in any other
 * state, is left alone. (Who may download a job at a time belongs here too, beside these.)
 */
public interface DownloadRecords {
  /** The job's status as stored now (a consistent read), if the job is known. */
  Optional<JobStatus> status(JobKey job);

  /**
   * A job waiting for its video becomes {@code stored}, with where its videos are.
   *
   * @return {@link StoreOutcome#ALREADY_STORED} when someone stored it first, {@link
   *     StoreOutcome#NOT_COMPLETED} for a job gone or in another state: nothing written either way
   */
  StoreOutcome markStored(JobKey job, String bucket, List<StoredObject> objects, Instant at);

  /**
   * Counts a failed attempt and notes its reason; once {@code giveUpAfterAttempts} attempts have
   * failed on a {@code completed} job, marks it {@code download_failed} (a second write, after the
   * count).
   *
   * @param error why it failed: never a secret or a query string
   */
  void recordDownloadFailure(JobKey job, String error, Instant at, int giveUpAfterAttempts);

  /**
   * Marks a job waiting for its video {@code download_failed} at once, counting the attempt: for a
   * source that must never be fetched, or a download the stream can no longer make.
   *
   * @return false when the job is not waiting for its video (nothing written)
   */
  boolean markDownloadFailed(JobKey job, String reason, Instant at);
}
