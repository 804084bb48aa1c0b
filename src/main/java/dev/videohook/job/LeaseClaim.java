package dev.videohook.job;

import java.time.Instant;
import java.util.Optional;

/** What {@link JobStore#claimDownload} found. */
public sealed interface LeaseClaim {
  /**
   * The job is leased to the caller, who may download it now.
   *
   * @param status the job's status as claimed: {@code completed}, or {@code download_failed}
   */
  record Granted(DownloadLease lease, JobStatus status) implements LeaseClaim {}

  /**
   * Another download holds the job's live lease (the stream's, a replay's or a redrive's): nothing
   * was written, and no second download may start.
   *
   * @param until when that lease ends, if nothing releases it before
   */
  record Held(Instant until) implements LeaseClaim {}

  /**
   * The job is not waiting for its video: stored, in another state, or gone (empty). Nothing was
   * written.
   */
  record NotWaiting(Optional<JobStatus> status) implements LeaseClaim {}
}
