package dev.videohook.operate;

import dev.videohook.download.CompletedJob;
import dev.videohook.download.DownloadService;
import dev.videohook.download.FailedBatchRecord;
import dev.videohook.job.Job;
import dev.videohook.job.JobPage;
import dev.videohook.job.JobQueries;
import dev.videohook.job.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@code videohook redrive}: every job marked {@code download_failed}, and every job still {@code
 * completed} past an age whose download the stream has tried and failed at least once, downloaded
 * again here through the stream's own code, each under its download lease ({@link Replay} for one);
 * then the on-failure records written before the run are deleted, only when no job failed again or
 * is being downloaded elsewhere, and no job that changed before a record was written is unsettled.
 */
public final class Redrive {
  private static final int PAGE = 100;

  /**
   * What to redrive.
   *
   * @param completedOlderThan a completed job younger than this is left to the stream
   * @param failedBatchBucket the on-failure bucket to read; empty: jobs only
   */
  public record Request(
      Duration completedOlderThan, boolean dryRun, Optional<String> failedBatchBucket) {}

  private final JobQueries jobs;
  private final Supplier<S3Client> s3;
  private final Supplier<DownloadService> downloads;
  private final Clock clock;
  private final Duration budget;

  /**
   * @param s3 the client of the on-failure bucket, asked for only when one is given
   * @param downloads builds the downloader when a job is to be downloaded, not before
   * @param budget how long each download may take here (its lease ends then)
   */
  public Redrive(
      JobQueries jobs,
      Supplier<S3Client> s3,
      Supplier<DownloadService> downloads,
      Clock clock,
      Duration budget) {
    this.jobs = jobs;
    this.s3 = s3;
    this.downloads = downloads;
    this.clock = clock;
    this.budget = budget;
  }

  /**
   * @param each told every step as it happens (the command prints it then)
   * @param progress the progress listener of each job's download
   */
  public RedriveReport run(
      Request request, Consumer<RedriveReport.Step> each, Function<Job, LongConsumer> progress) {
    List<RedriveReport.Step> steps = new ArrayList<>();
    Consumer<RedriveReport.Step> step =
        s -> {
          steps.add(s);
          each.accept(s);
        };
    Instant started = clock.instant();
    // read before redriving: only records written before this run are deleted after it
    S3Client client = request.failedBatchBucket().isPresent() ? s3.get() : null;
    Map<String, Instant> records =
        client == null
            ? Map.of()
            : readRecords(client, request.failedBatchBucket().get(), started, step);
    List<Job> todo = new ArrayList<>(all(JobStatus.DOWNLOAD_FAILED, started));
    for (Job job : all(JobStatus.COMPLETED, started.minus(request.completedOlderThan()))) {
      if (job.download().failedAttempts() > 0) {
        todo.add(job);
      } else {
        // its stream record may still be on its way
        step.accept(new RedriveReport.LeftToStream(job.key()));
      }
    }
    if (!request.dryRun()) {
      // the index holds neither the outputs' expiry nor the signed URLs: each job as stored, the
      // soonest-expiring first, so the video closest to being lost is fetched while it still can be
      todo = new ArrayList<>(todo.stream().map(job -> jobs.find(job.key()).orElse(job)).toList());
      todo.sort(Job.SOONEST_EXPIRING_FIRST);
    }
    int handled = 0;
    int failed = 0;
    int running = 0;
    DownloadService service = request.dryRun() || todo.isEmpty() ? null : downloads.get();
    for (Job job : todo) {
      if (request.dryRun()) {
        step.accept(
            new RedriveReport.JobRedriven(job, RedriveOutcome.WOULD_REDRIVE, Optional.empty()));
        continue;
      }
      RedriveOutcome outcome;
      Optional<String> error = Optional.empty();
      try {
        outcome =
            RedriveOutcome.of(
                service.redrive(
                    CompletedJob.of(job), Replay.deadline(clock, budget, progress.apply(job))));
      } catch (RuntimeException e) {
        outcome = RedriveOutcome.FAILED_AGAIN;
        error = Optional.ofNullable(e.getMessage());
      }
      switch (outcome) {
        case FAILED_AGAIN -> failed++;
        case DOWNLOAD_RUNNING -> running++;
        default -> handled++;
      }
      step.accept(new RedriveReport.JobRedriven(job, outcome, error));
    }
    int deleted = 0;
    if (!request.dryRun() && failed == 0 && running == 0 && client != null) {
      for (Map.Entry<String, Instant> record : records.entrySet()) {
        if (unsettledBefore(record.getValue())) {
          step.accept(new RedriveReport.RecordKept(record.getKey()));
          continue;
        }
        client.deleteObject(b -> b.bucket(request.failedBatchBucket().get()).key(record.getKey()));
        deleted++;
      }
    }
    return new RedriveReport(
        request.dryRun(), steps, todo.size(), handled, failed, running, records.size(), deleted);
  }

  /** The on-failure records written before {@code started}, each with when it was written. */
  private Map<String, Instant> readRecords(
      S3Client s3, String bucket, Instant started, Consumer<RedriveReport.Step> step) {
    Map<String, Instant> records = new LinkedHashMap<>();
    for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
      if (object.lastModified() != null && object.lastModified().isAfter(started)) {
        continue;
      }
      byte[] body = s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asByteArray();
      try {
        FailedBatchRecord record = FailedBatchRecord.parse(body);
        step.accept(new RedriveReport.RecordRead(object.key(), record));
        records.put(object.key(), writtenAt(record, object));
      } catch (IllegalArgumentException e) {
        step.accept(new RedriveReport.RecordUnreadable(object.key(), e.getMessage()));
      }
    }
    return records;
  }

  /**
   * A record names a batch of stream records written before it: the jobs it could be about changed
   * last before then. Any such job still waiting for its video keeps the record.
   */
  private boolean unsettledBefore(Instant writtenAt) {
    return !jobs.jobsInStatus(JobStatus.COMPLETED, writtenAt, 1, null).jobs().isEmpty()
        || !jobs.jobsInStatus(JobStatus.DOWNLOAD_FAILED, writtenAt, 1, null).jobs().isEmpty();
  }

  /** The record's own timestamp, else when S3 got it. */
  private Instant writtenAt(FailedBatchRecord record, S3Object object) {
    try {
      return Instant.parse(record.timestamp());
    } catch (RuntimeException unparsable) {
      return object.lastModified() != null ? object.lastModified() : clock.instant();
    }
  }

  private List<Job> all(JobStatus status, Instant before) {
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
