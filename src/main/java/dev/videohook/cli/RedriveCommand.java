package dev.videohook.cli;

import dev.videohook.config.AwsClients;
import dev.videohook.config.Settings;
import dev.videohook.config.SharedConfig;
import dev.videohook.download.CompletedJob;
import dev.videohook.download.DownloadService;
import dev.videohook.download.FailedBatchRecord;
import dev.videohook.job.Job;
import dev.videohook.job.JobPage;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.retry.Deadline;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

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
          + " FailedBatchBucketName) or --failed-batch-bucket. Exit code 1 when a job failed again"
          + " (nothing is deleted then)."
    })
final class RedriveCommand implements Callable<Integer> {
  static final String FAILED_BATCH_BUCKET = "FAILED_BATCH_BUCKET";
  private static final int PAGE = 100;

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

  /** What became of each job, in order, for --json. */
  private final List<Map<String, Object>> outcomes = new ArrayList<>();

  private PrintWriter out;

  @Override
  public Integer call() {
    // with --json the lines go to standard error, as progress, and the document to standard output
    out = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (completedOlderThanSeconds < 60) {
      throw new CliException(
          ExitCode.USAGE,
          "--completed-older-than must be at least 60 seconds: a younger completed job is being"
              + " downloaded by the stream right now");
    }
    Instant started = Instant.now();
    String failedBatches = bucket != null ? bucket : cli.env.get(FAILED_BATCH_BUCKET).orElse(null);
    JobStore jobs = cli.env.jobStore();
    if (!dryRun) {
      // a setup mistake here is answered as a setting, never noted on the jobs as failed downloads
      cli.env.checkVideoBucket();
    }
    // read before redriving: only records written before this run are deleted after it
    Map<String, Instant> records = new LinkedHashMap<>();
    S3Client s3 = null;
    if (failedBatches != null) {
      Settings settings = new Settings(cli.env.variables());
      SharedConfig shared = SharedConfig.read(settings);
      settings.check();
      s3 = AwsClients.s3(shared);
      for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(failedBatches)).contents()) {
        if (object.lastModified() != null && object.lastModified().isAfter(started)) {
          continue;
        }
        byte[] body =
            s3.getObjectAsBytes(b -> b.bucket(failedBatches).key(object.key())).asByteArray();
        try {
          FailedBatchRecord record = FailedBatchRecord.parse(body);
          out.printf(
              "on-failure record %s: %s, %d record(s), shard %s, sequence %s..%s%n",
              object.key(),
              record.condition(),
              record.batchSize(),
              record.shardId(),
              record.startSequenceNumber(),
              record.endSequenceNumber());
          records.put(object.key(), writtenAt(record, object));
        } catch (IllegalArgumentException e) {
          out.printf("skipped %s: %s (left in place)%n", object.key(), e.getMessage());
        }
      }
    }
    List<Job> todo = new ArrayList<>();
    todo.addAll(all(jobs, JobStatus.DOWNLOAD_FAILED, started));
    for (Job job :
        all(
            jobs,
            JobStatus.COMPLETED,
            started.minus(Duration.ofSeconds(completedOlderThanSeconds)))) {
      if (job.download().failedAttempts() > 0) {
        todo.add(job);
      } else {
        // its stream record may still be on its way: two downloads of the same keys at once
        out.printf("job %s: left to the stream, which has not tried it yet%n", job.key());
      }
    }
    int stored = 0;
    int failed = 0;
    DownloadService downloads =
        dryRun || todo.isEmpty() ? null : DownloadService.fromEnvironment(cli.env.variables());
    for (Job job : todo) {
      if (dryRun) {
        out.printf("would redrive %s (%s)%n", job.key(), job.status().value());
        outcome(job, "would redrive", null);
        continue;
      }
      try {
        Deadline progress =
            Deadline.none().reportingTo(new Progress(err, "job " + job.key(), Clock.systemUTC()));
        String outcome =
            downloads
                .redrive(CompletedJob.of(job), progress)
                .name()
                .toLowerCase(Locale.ROOT)
                .replace('_', ' ');
        out.printf("job %s: %s%n", job.key(), outcome);
        outcome(job, outcome, null);
        stored++;
      } catch (RuntimeException e) {
        failed++;
        out.printf("job %s: failed again: %s%n", job.key(), e.getMessage());
        outcome(job, "failed again", e.getMessage());
      }
    }
    int deleted = 0;
    if (!dryRun && failed == 0 && s3 != null) {
      for (Map.Entry<String, Instant> record : records.entrySet()) {
        if (unsettledBefore(jobs, record.getValue())) {
          out.printf(
              "kept %s: a job that changed before it was written is not settled yet%n",
              record.getKey());
          continue;
        }
        s3.deleteObject(b -> b.bucket(failedBatches).key(record.getKey()));
        deleted++;
      }
    }
    if (json) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("dry_run", dryRun);
      document.put("jobs", outcomes);
      document.put("found", todo.size());
      document.put("handled", stored);
      document.put("failed_again", failed);
      document.put("on_failure_records_read", records.size());
      document.put("on_failure_records_deleted", deleted);
      JobJson.print(spec.commandLine().getOut(), document);
    }
    out.printf(
        "redrive: %d job(s) found, %d handled, %d failed again; %d on-failure record(s) read, %d"
            + " deleted%s%n",
        todo.size(),
        stored,
        failed,
        records.size(),
        deleted,
        dryRun ? " (dry run: nothing changed)" : "");
    return failed > 0 ? ExitCode.FAILED : ExitCode.OK;
  }

  private void outcome(Job job, String outcome, String error) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("tenant", job.tenant());
    fields.put("provider", job.provider().id());
    fields.put("job_id", job.jobId());
    fields.put("status", job.status().value());
    fields.put("outcome", outcome);
    fields.put("error", error);
    outcomes.add(fields);
  }

  /**
   * A record names a batch of stream records written before it: the jobs it could be about changed
   * last before then. Any such job still waiting for its video keeps the record.
   */
  private static boolean unsettledBefore(JobStore jobs, Instant writtenAt) {
    return !jobs.jobsInStatus(JobStatus.COMPLETED, writtenAt, 1, null).jobs().isEmpty()
        || !jobs.jobsInStatus(JobStatus.DOWNLOAD_FAILED, writtenAt, 1, null).jobs().isEmpty();
  }

  /** The record's own timestamp, else when S3 got it. */
  private static Instant writtenAt(FailedBatchRecord record, S3Object object) {
    try {
      return Instant.parse(record.timestamp());
    } catch (RuntimeException unparsable) {
      return object.lastModified() != null ? object.lastModified() : Instant.now();
    }
  }

  private static List<Job> all(JobStore jobs, JobStatus status, Instant before) {
    List<Job> found = new ArrayList<>();
    JobPage.Cursor cursor = null;
    do {
      JobPage page = jobs.jobsInStatus(status, before, PAGE, cursor);
      found.addAll(page.jobs());
      cursor = page.next().orElse(null);
    } while (cursor != null);
    return found;
  }
}
