package dev.videohook.reconcile;

import dev.videohook.job.Job;
import dev.videohook.job.JobPage;
import dev.videohook.job.JobRepository;
import dev.videohook.job.JobStatus;
import dev.videohook.job.LeaseClaim;
import dev.videohook.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's copy of a finished video is a deadline ({@code expires_at}): jobs whose video is
 * not stored yet ({@code completed}, or {@code download_failed} awaiting a redrive), the
 * soonest-expiring first. A job within {@link #WARN_FRACTION} of its time left (from its terminal
 * event to the expiry) is counted ({@link Metrics#outputsExpiring}, which an alarm watches) at
 * every run until it is stored; a {@code completed} one past its expiry ends {@code
 * download_failed} with a reason that says so, as no download can fetch it any more. No provider
 * call; its own cap.
 */
final class OutputExpiryPass {
  private static final Logger LOG = LoggerFactory.getLogger(OutputExpiryPass.class);

  /** The share of a video's time left, from its terminal event, under which the alarm is fed. */
  static final double WARN_FRACTION = 0.25;

  private final JobRepository jobs;
  private final Clock clock;
  private final Metrics metrics;
  private final int maxJobs;
  private final int pageSize;

  OutputExpiryPass(JobRepository jobs, Clock clock, Metrics metrics, int maxJobs, int pageSize) {
    this.jobs = jobs;
    this.clock = clock;
    this.metrics = metrics;
    this.maxJobs = maxJobs;
    this.pageSize = pageSize;
  }

  /**
   * @return true when every job waiting for its video was looked at
   */
  boolean run(RunCounters run) {
    List<Job> watched = new ArrayList<>();
    boolean all = true;
    int examined = 0;
    for (JobStatus status : List.of(JobStatus.COMPLETED, JobStatus.DOWNLOAD_FAILED)) {
      JobPage.Cursor cursor = null;
      do {
        if (!run.hasTime() || examined >= maxJobs) {
          all = false;
          break;
        }
        JobPage page =
            jobs.jobsInStatus(
                status, clock.instant(), Math.min(pageSize, maxJobs - examined), cursor);
        for (Job indexed : page.jobs()) {
          examined++;
          // the index holds no expiry (its projection cannot change on a deployed table)
          jobs.find(indexed.key())
              .filter(job -> job.outputsExpireAt() != null && job.status() == status)
              .ifPresent(watched::add);
        }
        cursor = page.next().orElse(null);
      } while (cursor != null);
    }
    watched.sort(Job.SOONEST_EXPIRING_FIRST);
    for (Job job : watched) {
      if (!run.hasTime()) {
        return false;
      }
      try {
        look(job, run);
      } catch (RuntimeException e) {
        run.errors++;
        LostWebhookPass.log(LOG.atWarn(), job)
            .addKeyValue("outcome", "error")
            .setCause(e)
            .log("watching the outputs' expiry failed: looked at again next run");
      }
    }
    return all;
  }

  private void look(Job job, RunCounters run) {
    Instant now = clock.instant();
    Instant expiry = job.outputsExpireAt();
    if (!now.isBefore(expiry)) {
      metrics.outputsExpiring(job.tenant(), job.provider().id(), job.jobId());
      if (job.status() != JobStatus.COMPLETED) {
        return; // download_failed already: its reason says why it failed
      }
      // a download running now holds the job and sees the expiry itself
      LeaseClaim claim = jobs.claimDownload(job.key(), now, run.stopBy);
      if (claim instanceof LeaseClaim.Granted granted
          && jobs.markDownloadFailed(granted.lease(), Job.outputsExpiredReason(expiry), now)) {
        LostWebhookPass.log(LOG.atWarn(), job)
            .addKeyValue("outcome", "outputs_expired")
            .addKeyValue("outputsExpireAt", expiry)
            .log("outputs expired before they were stored: job marked download_failed");
      }
      return;
    }
    Instant from = job.times().terminalAt() != null ? job.times().terminalAt() : now;
    Duration window = Duration.between(from, expiry);
    Duration left = Duration.between(now, expiry);
    if (left.toMillis() <= window.toMillis() * WARN_FRACTION) {
      metrics.outputsExpiring(job.tenant(), job.provider().id(), job.jobId());
      LostWebhookPass.log(LOG.atWarn(), job)
          .addKeyValue("outcome", "outputs_expiring")
          .addKeyValue("status", job.status().value())
          .addKeyValue("outputsExpireAt", expiry)
          .log("outputs expire soon and are not stored yet");
    }
  }
}
