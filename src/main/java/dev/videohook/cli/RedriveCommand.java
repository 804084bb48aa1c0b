package dev.videohook.cli;

import dev.videohook.config.AwsClients;
import dev.videohook.config.Settings;
import dev.videohook.config.SharedConfig;
import dev.videohook.download.DownloadConfig;
import dev.videohook.download.DownloadService;
import dev.videohook.download.FailedBatchRecord;
import dev.videohook.job.Job;
import dev.videohook.job.JobStore;
import dev.videohook.operate.Redrive;
import dev.videohook.operate.RedriveReport;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "redrive",
    mixinStandardHelpOptions = true,
    description = {
      "Puts failed downloads through again: every job marked download_failed, and every job still"
          + " completed (not stored) after --completed-older-than whose download the stream has"
          + " tried and failed at least once, found with a Query on the status index, goes"
          + " through the same download code here. A completed job the stream has not tried yet"
          + " is left to it. Lambda's on-failure records in the failed-batch bucket name stream"
          + " positions, not jobs: they are read and checked, and a record is deleted only when"
          + " no job failed again and no job that changed before the record was written is left"
          + " unsettled.",
      "Needs the download function's settings: JOBS_TABLE, VIDEO_BUCKET, the providers' API keys"
          + " (or TENANT_SECRETS_PREFIX); FAILED_BATCH_BUCKET (the stack output"
          + " FailedBatchBucketName) or --failed-batch-bucket. Exit code 1 when a job failed again,"
          + " 75 when another download (the stream's, a replay) holds a job, which is left to it;"
          + " nothing is deleted then."
    })
final class RedriveCommand implements Callable<Integer> {
  static final String FAILED_BATCH_BUCKET = "FAILED_BATCH_BUCKET";

  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Option(
      names = "--failed-batch-bucket",
      description = "The on-failure bucket (default: $FAILED_BATCH_BUCKET; none: jobs only).")
  String bucket;

  @Option(
      names = "--completed-older-than",
      defaultValue = "3600",
      description =
          "Also redrive jobs still completed this many seconds after their last change"
              + " (default: ${DEFAULT-VALUE}).")
  long completedOlderThanSeconds;

  @Option(names = "--dry-run", description = "List what would be done; change nothing.")
  boolean dryRun;

  @Option(
      names = "--json",
      description = "One JSON document on standard output (each job and its outcome, the counts).")
  boolean json;

  @Mixin DownloadBudgetOption budget;

  @Override
  public Integer call() {
    // with --json the lines go to standard error, as progress, and the document to standard output
    PrintWriter out = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (completedOlderThanSeconds < 60) {
      throw new CliException(
          ExitCode.USAGE,
          "--completed-older-than must be at least 60 seconds: a younger completed job is being"
              + " downloaded by the stream right now");
    }
    Duration downloadBudget = budget.duration();
    String failedBatches = bucket != null ? bucket : cli.env.get(FAILED_BATCH_BUCKET).orElse(null);
    if (dryRun) {
      cli.env.requireStack(SharedConfig.JOBS_TABLE);
    } else {
      cli.env.requireStack(SharedConfig.JOBS_TABLE, DownloadConfig.VIDEO_BUCKET);
    }
    JobStore jobs = cli.env.jobStore();
    if (!dryRun) {
      // a setup mistake here is answered as a setting, never noted on the jobs as failed downloads
      cli.env.checkVideoBucket();
    }
    Redrive redrive =
        new Redrive(
            jobs,
            () -> {
              Settings settings = new Settings(cli.env.variables());
              SharedConfig shared = SharedConfig.read(settings);
              settings.check();
              return AwsClients.s3(shared);
            },
            () -> DownloadService.fromEnvironment(cli.env.variables()),
            Clock.systemUTC(),
            downloadBudget);
    RedriveReport report =
        redrive.run(
            new Redrive.Request(
                Duration.ofSeconds(completedOlderThanSeconds),
                dryRun,
                Optional.ofNullable(failedBatches)),
            step -> print(out, step),
            job -> new Progress(err, "job " + job.key(), Clock.systemUTC()));
    if (json) {
      JobJson.print(spec.commandLine().getOut(), document(report));
    }
    out.printf(
        "redrive: %d job(s) found, %d handled, %d failed again; %d on-failure record(s) read, %d"
            + " deleted%s%s%n",
        report.found(),
        report.handled(),
        report.failedAgain(),
        report.recordsRead(),
        report.recordsDeleted(),
        report.downloadsRunning() > 0
            ? "; " + report.downloadsRunning() + " being downloaded elsewhere, left to it"
            : "",
        dryRun ? " (dry run: nothing changed)" : "");
    if (report.failedAgain() > 0) {
      return ExitCode.FAILED;
    }
    return report.downloadsRunning() > 0 ? ExitCode.DOWNLOAD_RUNNING : ExitCode.OK;
  }

  /** Each step's line, as it happens. */
  private static void print(PrintWriter out, RedriveReport.Step step) {
    if (step instanceof RedriveReport.RecordRead read) {
      FailedBatchRecord record = read.record();
      out.printf(
          "on-failure record %s: %s, %d record(s), shard %s, sequence %s..%s%n",
          read.key(),
          record.condition(),
          record.batchSize(),
          record.shardId(),
          record.startSequenceNumber(),
          record.endSequenceNumber());
    } else if (step instanceof RedriveReport.RecordUnreadable unreadable) {
      out.printf("skipped %s: %s (left in place)%n", unreadable.key(), unreadable.reason());
    } else if (step instanceof RedriveReport.LeftToStream left) {
      out.printf("job %s: left to the stream, which has not tried it yet%n", left.job());
    } else if (step instanceof RedriveReport.JobRedriven redriven) {
      Job job = redriven.job();
      switch (redriven.outcome()) {
        case WOULD_REDRIVE ->
            out.printf("would redrive %s (%s)%n", job.key(), job.status().value());
        case FAILED_AGAIN ->
            out.printf("job %s: failed again: %s%n", job.key(), redriven.error().orElse(null));
        case DOWNLOAD_RUNNING -> out.println(ReplayCommand.running(job.key().toString()));
        default -> out.printf("job %s: %s%n", job.key(), redriven.outcome().words());
      }
    } else if (step instanceof RedriveReport.RecordKept kept) {
      out.printf(
          "kept %s: a job that changed before it was written is not settled yet%n", kept.key());
    }
  }

  /** The --json document: each job and its outcome, the counts. */
  private static Map<String, Object> document(RedriveReport report) {
    List<Map<String, Object>> jobs = new ArrayList<>();
    for (RedriveReport.JobRedriven redriven : report.jobs()) {
      Job job = redriven.job();
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("tenant", job.tenant());
      fields.put("provider", job.provider().id());
      fields.put("job_id", job.jobId());
      fields.put("status", job.status().value());
      fields.put("outcome", redriven.outcome().words());
      fields.put("error", redriven.error().orElse(null));
      jobs.add(fields);
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("dry_run", report.dryRun());
    document.put("jobs", jobs);
    document.put("found", report.found());
    document.put("handled", report.handled());
    document.put("failed_again", report.failedAgain());
    document.put("download_running", report.downloadsRunning());
    document.put("on_failure_records_read", report.recordsRead());
    document.put("on_failure_records_deleted", report.recordsDeleted());
    return document;
  }
}
