package dev.videohook.reconcile;

import dev.videohook.job.Job;
import dev.videohook.job.JobPage;
import dev.videohook.job.JobRepository;
import dev.videohook.job.JobStatus;
import dev.videohook.job.LeaseClaim;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs still {@code completed} long after the stream could download them: their last attempt never
 * reached the code (the function failed to start, the record grew too old, the invocation was
 * killed), so they end {@code download_failed} here, with the reason, for a redrive. It makes no
 * provider call and has its own cap, so pending jobs the reconciler cannot settle never hold it up.
 */
final class StrandedDownloadPass {
  private static final Logger LOG = LoggerFactory.getLogger(StrandedDownloadPass.class);

  private final JobRepository jobs;
  private final Clock clock;
  private final Duration strandedAfter;
  private final int maxJobs;
  private final int pageSize;

  StrandedDownloadPass(
      JobRepository jobs, Clock clock, Duration strandedAfter, int maxJobs, int pageSize) {
    this.jobs = jobs;
    this.clock = clock;
    this.strandedAfter = strandedAfter;
    this.maxJobs = maxJobs;
    this.pageSize = pageSize;
  }

  /**
   * @return true when every stranded job was looked at; false when some were left for the next run
   */
  boolean run(RunCounters run) {
    Instant now = clock.instant();
    String reason =
        "stranded: still completed "
            + strandedAfter.toHours()
            + " h after its last change, past what the table's stream can deliver (retries spent,"
            + " a record too old, or a download function that failed to start): redrive it";
    JobPage.Cursor cursor = null;
    do {
      if (!run.hasTime() || run.strandedExamined >= maxJobs) {
        return false;
      }
      JobPage page =
          jobs.jobsInStatus(
              JobStatus.COMPLETED,
              now.minus(strandedAfter),
              Math.min(pageSize, maxJobs - run.strandedExamined),
              cursor);
      for (Job job : page.jobs()) {
        run.strandedExamined++;
        try {
          Instant claimedAt = clock.instant();
          if (!claimedAt.isBefore(run.stopBy)) {
            return false;
          }
          // the mark is a download's result, written by a lease holder only: a download running now
          // (a replay, say) holds the job, and is left to finish it; one whose holder died has an
          // expired lease, taken over here
          LeaseClaim claim = jobs.claimDownload(job.key(), claimedAt, run.stopBy);
          if (claim instanceof LeaseClaim.Held held) {
            LostWebhookPass.log(LOG.atInfo(), job)
                .addKeyValue("outcome", "download_running")
                .addKeyValue("leaseUntil", held.until())
                .log("a download of a stranded job is running: left to it");
            continue;
          }
          if (claim instanceof LeaseClaim.Granted granted
              && jobs.markDownloadFailed(granted.lease(), reason, now)) {
            run.strandedDownloads++;
            LostWebhookPass.log(LOG.atWarn(), job)
                .addKeyValue("outcome", "stranded_download")
                .log("a completed job the stream can no longer download: marked download_failed");
          }
        } catch (RuntimeException e) {
          run.errors++;
          LostWebhookPass.log(LOG.atWarn(), job)
              .addKeyValue("outcome", "error")
              .setCause(e)
              .log("marking a stranded download failed: looked at again next run");
        }
      }
      cursor = page.next().orElse(null);
    } while (cursor != null);
    return true;
  }
}
