package dev.videohook.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the downloader reads and writes of a job: whether it still waits for its video, who may
 * download it now (one download per job at a time, whoever starts it: the job's {@link
 * DownloadLease}), then where the video went, or why it could not be fetched. Every result is
 * written only by the lease's holder, and only while the job waits for its video ({@link
 * JobStatus#isWaitingForVideo}), so a job stored meanwhile, taken over or in any other state is
 * left alone.
 */
public interface DownloadRecords {
  /** The job's status as stored now (a consistent read), if the job is known. */
  Optional<JobStatus> status(JobKey job);

  /**
   * Claims the job's download: granted on a job waiting for its video that no live lease holds (an
   * expired one is taken over); otherwise held elsewhere (until when) or not waiting.
   *
   * @param expiresAt no later than the claimant's own deadline, so a claimant that dies frees the
   *     job then
   */
  LeaseClaim claimDownload(JobKey job, Instant now, Instant expiresAt);

  /**
   * Gives a lease up without a result.
   *
   * @return false when the lease no longer held the job
   */
  boolean releaseDownload(DownloadLease lease);

  /**
   * A job waiting for its video becomes {@code stored}, with where its videos are, and the lease is
   * released.
   *
   * @return {@link StoreOutcome#ALREADY_STORED} when someone stored it first, {@link
   *     StoreOutcome#NOT_LEASED} when the lease no longer holds the job, {@link
   *     StoreOutcome#NOT_COMPLETED} for a job gone or in another state: nothing written then
   */
  StoreOutcome markStored(
      DownloadLease lease, String bucket, List<StoredObject> objects, Instant at);

  /**
   * Counts a failed attempt, notes its reason and releases the lease; once {@code
   * giveUpAfterAttempts} attempts have failed on a {@code completed} job, marks it {@code
   * download_failed}.
   *
   * @param error why it failed: never a secret or a query string
   */
  void recordDownloadFailure(
      DownloadLease lease, String error, Instant at, int giveUpAfterAttempts);

  /**
   * Marks a job waiting for its video {@code download_failed} at once, counting the attempt and
   * releasing the lease: for a source that must never be fetched, or a download the stream can no
   * longer make.
   *
   * @return false when the lease does not hold the job or it is not waiting for its video
   */
  boolean markDownloadFailed(DownloadLease lease, String reason, Instant at);
}
