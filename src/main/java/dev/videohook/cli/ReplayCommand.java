package dev.videohook.cli;

import dev.videohook.download.CompletedJob;
import dev.videohook.download.DownloadService;
import dev.videohook.job.ItemJson;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobTable;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

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
    Map<String, AttributeValue> item =
        cli.env
            .jobStore()
            .findJob(job.tenant, job.provider.id(), job.jobId)
            .orElseThrow(
                () ->
                    new CliException(
                        ExitCode.FAILED,
                        "no job "
                            + job.jobId
                            + " for "
                            + job.provider.id()
                            + " and tenant "
                            + job.tenant
                            + " in "
                            + cli.env.require(CliEnvironment.JOBS_TABLE, "")));
    String status = item.get(JobTable.STATUS) == null ? "" : item.get(JobTable.STATUS).s();
    if (status.equals(JobStatus.STORED.value())) {
      out.printf(
          "job %s is already stored: %s%n",
          job.jobId, ItemJson.toPlain(item).get(JobTable.OBJECT_KEYS));
      return ExitCode.OK;
    }
    if (!status.equals(JobStatus.COMPLETED.value())
        && !status.equals(JobStatus.DOWNLOAD_FAILED.value())) {
      throw new CliException(
          ExitCode.FAILED,
          "job " + job.jobId + " is " + status + ": only a completed job has a video to download");
    }
    List<String> urls =
        item.get(JobTable.UNSIGNED_URLS) == null
            ? List.of()
            : item.get(JobTable.UNSIGNED_URLS).l().stream().map(AttributeValue::s).toList();
    DownloadService downloads = DownloadService.fromEnvironment(cli.env.variables());
    DownloadService.Outcome outcome;
    try {
      outcome = downloads.redrive(new CompletedJob(job.tenant, job.provider, job.jobId, urls));
    } catch (RuntimeException e) {
      throw new CliException(
          ExitCode.FAILED, "download of job " + job.jobId + " failed again: " + e.getMessage());
    }
    Map<String, Object> stored =
        cli.env
            .jobStore()
            .findJob(job.tenant, job.provider.id(), job.jobId)
            .map(ItemJson::toPlain)
            .orElse(Map.of());
    out.printf(
        "job %s: %s%n",
        job.jobId, outcome.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    if (stored.get(JobTable.BUCKET) != null) {
      out.printf(
          "  bucket  %s%n  keys    %s%n  sha256  %s%n",
          stored.get(JobTable.BUCKET),
          stored.get(JobTable.OBJECT_KEYS),
          stored.get(JobTable.OBJECT_SHA256S));
    }
    return ExitCode.OK;
  }
}
