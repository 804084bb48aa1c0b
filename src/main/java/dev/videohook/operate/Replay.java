package dev.videohook.operate;

import dev.videohook.download.CompletedJob;
import dev.videohook.download.DownloadHandler;
import dev.videohook.download.DownloadService;
import dev.videohook.job.Job;
import dev.videohook.job.JobQueries;
import dev.videohook.job.JobStatus;
import dev.videohook.retry.Deadline;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * {@code videohook replay}: one job whose download failed (or that is still {@code completed}),
 * downloaded again here through the stream's own code ({@link DownloadService#redrive}). The job's
 * download lease keeps it from running beside another download of the same job; the download stops
 * before the budget ends, and the lease with it.
 */
public final class Replay {
  private final JobQueries jobs;
  private final Supplier<DownloadService> downloads;
  private final Clock clock;
  private final Duration budget;

  /**
   * @param downloads builds the downloader when a download is to run, not before: a job that needs
   *     none never asks for the download settings
   * @param budget how long the download may take here: the lease ends then, the download a margin
   *     ({@link DownloadHandler#DEADLINE_MARGIN}) before
   */
  public Replay(
      JobQueries jobs, Supplier<DownloadService> downloads, Clock clock, Duration budget) {
    this.jobs = jobs;
    this.downloads = downloads;
    this.clock = clock;
    this.budget = budget;
  }

  /**
   * @param found the job as read just before
   * @param progress told the bytes read so far, after every read
   */
  public ReplayReport replay(Job found, LongConsumer progress) {
    if (found.status() == JobStatus.STORED) {
      return new ReplayReport(
          found, RedriveOutcome.FOUND_STORED, Optional.empty(), Optional.empty());
    }
    if (!found.status().isWaitingForVideo()) {
      return new ReplayReport(found, RedriveOutcome.NO_VIDEO, Optional.empty(), Optional.empty());
    }
    DownloadService service = downloads.get();
    RedriveOutcome outcome;
    try {
      outcome =
          RedriveOutcome.of(
              service.redrive(CompletedJob.of(found), deadline(clock, budget, progress)));
    } catch (RuntimeException e) {
      return new ReplayReport(
          found,
          RedriveOutcome.FAILED_AGAIN,
          jobs.find(found.key()),
          Optional.ofNullable(e.getMessage()));
    }
    Optional<Job> after =
        outcome == RedriveOutcome.DOWNLOAD_RUNNING ? Optional.empty() : jobs.find(found.key());
    return new ReplayReport(found, outcome, after, Optional.empty());
  }

  /** {@code budget} from now, as a download's deadline reporting its progress. */
  static Deadline deadline(Clock clock, Duration budget, LongConsumer progress) {
    return Deadline.fromRemaining(clock, budget, DownloadHandler.DEADLINE_MARGIN)
        .reportingTo(progress);
  }
}
