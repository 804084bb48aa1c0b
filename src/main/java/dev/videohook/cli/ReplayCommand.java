package dev.videohook.cli;

import dev.videohook.download.CompletedJob;
import dev.videohook.download.DownloadService;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.StoredObject;
import dev.videohook.retry.Deadline;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Re-drives the downloader for one job whose download failed (download_failed, or still"
          + " completed when its batch went to the on-failure destination): runs the same download"
          + " here and marks it stored.",
      "A stored job is left as it is. Needs the download function's settings: JOBS_TABLE,"
          + " VIDEO_BUCKET, and the provider's API key (or TENANT_SECRETS_PREFIX)."
    })
final class ReplayCommand implements Callable<Integer> {
  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Mixin JobReference job;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    JobStore jobs = cli.env.jobStore();
    Job found = job.require(jobs, err);
    JobKey key = found.key();
    if (found.status() == JobStatus.STORED) {
      out.printf("job %s is already stored: %s%n", key.jobId(), keys(found));
      return ExitCode.OK;
    }
    if (!found.status().isWaitingForVideo()) {
      throw new CliException(
          ExitCode.FAILED,
          "job "
              + key.jobId()
              + " is "
              + found.status().value()
              + ": only a completed job has a video to download");
    }
    // a setup mistake here is answered as a setting, never noted on the job as a failed download
    cli.env.checkVideoBucket();
    DownloadService downloads = DownloadService.fromEnvironment(cli.env.variables());
    DownloadService.Outcome outcome;
    try {
      outcome =
          downloads.redrive(
              CompletedJob.of(found),
              Deadline.none().reportingTo(new Progress(err, "job " + key, Clock.systemUTC())));
    } catch (RuntimeException e) {
      throw new CliException(
          ExitCode.FAILED, "download of job " + key.jobId() + " failed again: " + e.getMessage());
    }
    out.printf(
        "job %s: %s%n", key.jobId(), outcome.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    Optional<Job> stored = jobs.find(key).filter(j -> j.stored().bucket() != null);
    if (stored.isPresent()) {
      out.printf(
          "  bucket  %s%n  keys    %s%n  sha256  %s%n",
          stored.get().stored().bucket(),
          keys(stored.get()),
          stored.get().stored().objects().stream().map(StoredObject::sha256).toList());
    }
    return ExitCode.OK;
  }

  private static List<String> keys(Job job) {
    return job.stored().objects().stream().map(StoredObject::key).toList();
  }
}
