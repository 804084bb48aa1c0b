package dev.videohook.cli;

import dev.videohook.config.SharedConfig;
import dev.videohook.download.DownloadConfig;
import dev.videohook.download.DownloadService;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStore;
import dev.videohook.job.StoredObject;
import dev.videohook.operate.Replay;
import dev.videohook.operate.ReplayReport;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
      "A stored job is left as it is. A job another download holds (the stream's, another replay"
          + " or a redrive) is left to it: nothing starts, exit code 75. Needs the download"
          + " function's settings: JOBS_TABLE, VIDEO_BUCKET, and the provider's API key (or"
          + " TENANT_SECRETS_PREFIX)."
    })
final class ReplayCommand implements Callable<Integer> {
  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Mixin JobReference job;

  @Mixin DownloadBudgetOption budget;

  @Override
  public Integer call() {
    job.checkServed(cli.env);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration downloadBudget = budget.duration();
    if (!cli.env.hasJobTable()) {
      // the stack's settings are not loaded: both it needs, named at once (with the table set,
      // the bucket is checked only when a download is to run)
      cli.env.requireStack(SharedConfig.JOBS_TABLE, DownloadConfig.VIDEO_BUCKET);
    }
    JobStore jobs = cli.env.jobStore();
    Job found = job.require(jobs, err);
    JobKey key = found.key();
    Replay replay =
        new Replay(
            jobs,
            () -> {
              // a setup mistake is answered as a setting, never noted on the job as a failed
              // download
              cli.env.checkVideoBucket();
              return DownloadService.fromEnvironment(cli.env.variables());
            },
            Clock.systemUTC(),
            downloadBudget);
    ReplayReport report = replay.replay(found, new Progress(err, "job " + key, Clock.systemUTC()));
    switch (report.outcome()) {
      case FOUND_STORED -> {
        out.printf("job %s is already stored: %s%n", key.jobId(), keys(found));
        return ExitCode.OK;
      }
      case NO_VIDEO ->
          throw new CliException(
              ExitCode.FAILED,
              "job "
                  + key.jobId()
                  + " is "
                  + found.status().value()
                  + ": only a completed job has a video to download");
      case FAILED_AGAIN ->
          throw new CliException(
              ExitCode.FAILED,
              "download of job "
                  + key.jobId()
                  + " failed again: "
                  + report.error().orElse("unknown error"));
      case DOWNLOAD_RUNNING ->
          throw new CliException(ExitCode.DOWNLOAD_RUNNING, running(key.jobId()));
      default -> {
        out.printf("job %s: %s%n", key.jobId(), report.outcome().words());
        Optional<Job> stored = report.after().filter(j -> j.stored().bucket() != null);
        if (stored.isPresent()) {
          out.printf(
              "  bucket  %s%n  keys    %s%n  sha256  %s%n",
              stored.get().stored().bucket(),
              keys(stored.get()),
              stored.get().stored().objects().stream().map(StoredObject::sha256).toList());
        }
        return ExitCode.OK;
      }
    }
  }

  /** The one line for a job another download holds. */
  static String running(String jobId) {
    return "job "
        + jobId
        + ": a download of it is already running (the stream's, or another replay or redrive):"
        + " nothing started; run replay again if it ends without storing the job";
  }

  private static List<String> keys(Job job) {
    return job.stored().objects().stream().map(StoredObject::key).toList();
  }
}
