package dev.videohook.download;

import dev.videohook.config.AwsClients;
import dev.videohook.job.DownloadLease;
import dev.videohook.job.DownloadRecords;
import dev.videohook.job.Job;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.LeaseClaim;
import dev.videohook.job.StoredObject;
import dev.videohook.metrics.Metrics;
import dev.videohook.retry.Deadline;
import dev.videohook.secrets.SecretsUnavailableException;
import dev.videohook.secrets.TenantSecrets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One completed job, start to end: skip it unless the job is still {@code completed}, copy its
 * videos into S3, then mark it {@code stored} with one conditional update. A failure is noted on
 * the job and thrown, so the caller reports the record for retry.
 */
public final class DownloadService {
  private static final Logger LOG = LoggerFactory.getLogger(DownloadService.class);

  /** What became of a job. */
  public enum Outcome {
    STORED,
    /** The job was already stored: nothing was downloaded. */
    ALREADY_STORED,
    /** The job is gone or not {@code completed} any more: nothing was downloaded. */
    SKIPPED,
    /**
     * Another download holds the job's lease (the stream's, a replay's or a redrive's): nothing was
     * downloaded here, the job is left to it. Should it die, its lease ends by its own deadline,
     * and a later attempt (a stream retry, a replay, the reconciler's stranded pass) takes over.
     */
    DOWNLOAD_RUNNING,
    /**
     * The provider's copy of the outputs expired before they were stored: nothing was fetched, the
     * job is {@code download_failed} with a reason that says so. No retry can bring them back.
     */
    OUTPUTS_EXPIRED
  }

  /**
   * How long a download without a deadline of its own ({@link Deadline#none()}: the local stack)
   * holds a job's lease, and so may run: as long as a Lambda invocation may.
   */
  public static final Duration UNBOUNDED_LEASE = Duration.ofMinutes(15);

  private final VideoDownloader downloader;
  private final DownloadRecords jobs;
  private final Clock clock;
  private final int giveUpAfterAttempts;
  private final Metrics metrics = Metrics.toLog();

  /**
   * Everything built from environment variables ({@link DownloadConfig}), the AWS clients once:
   * what the Lambda does at init, and what the local stack does with its own settings.
   *
   * @throws dev.videohook.config.ConfigurationException naming every missing or invalid setting
   */
  public static DownloadService fromEnvironment(Map<String, String> env) {
    DownloadConfig config = DownloadConfig.fromEnvironment(env);
    StreamingUploader uploader =
        new StreamingUploader(AwsClients.s3(config.shared()), config.bucket());
    VideoDownloader downloader =
        VideoDownloader.builder(
                uploader, TenantSecrets.fromEnvironment(DownloadConfig.secretsSettings(env)))
            .apiBases(config.apiBases())
            .allowLoopbackHttp(config.allowLoopbackHttp())
            .maxBytes(config.maxBytes())
            .build();
    JobStore jobs = new JobStore(AwsClients.dynamoDb(config.shared()), config.shared().tableName());
    return new DownloadService(downloader, jobs, Clock.systemUTC(), config.giveUpAfterAttempts());
  }

  /**
   * @param giveUpAfterAttempts failed attempts after which the job is marked {@code
   *     download_failed}: the stream's retries are then spent, and only a redrive stores it
   */
  public DownloadService(
      VideoDownloader downloader, DownloadRecords jobs, Clock clock, int giveUpAfterAttempts) {
    this.downloader = downloader;
    this.jobs = jobs;
    this.clock = clock;
    this.giveUpAfterAttempts = giveUpAfterAttempts;
  }

  /**
   * @throws RuntimeException ({@link DownloadException}, or an AWS SDK exception) when the job
   *     could not be stored; the failure has been noted on the job
   */
  public Outcome process(CompletedJob job) {
    return process(job, Deadline.none());
  }

  /**
   * As {@link #process(CompletedJob)}, stopping once {@code deadline} has passed: the upload in
   * progress is aborted and the attempt noted on the job with the reason ({@code deadline: …}),
   * counted like any failed attempt, so the stream's last attempt still marks it {@code
   * download_failed}.
   */
  public Outcome process(CompletedJob job, Deadline deadline) {
    return process(job, false, deadline);
  }

  /**
   * Downloads a job that is {@code completed}, or one marked {@code download_failed}, as an
   * operator's redrive does ({@code videohook redrive}, {@code videohook replay}). The stream's
   * retries are over by then (spent, expired with the record's age, or lost to a function that
   * could not start): a redrive that fails is noted on the job like any attempt (a {@code
   * download_failed} job keeps its status with the new reason; a {@code completed} one is marked
   * {@code download_failed} only once its attempts are spent, or at once for a refused source).
   */
  public Outcome redrive(CompletedJob job) {
    return process(job, true, Deadline.none());
  }

  /** As {@link #redrive(CompletedJob)}, within {@code deadline} (which may report progress). */
  public Outcome redrive(CompletedJob job, Deadline deadline) {
    return process(job, true, deadline);
  }

  private Outcome process(CompletedJob job, boolean redrive, Deadline deadline) {
    JobStatus status = jobs.status(job.key()).orElse(null);
    if (status == JobStatus.STORED) {
      log(LOG.atInfo(), job).addKeyValue("outcome", Outcome.ALREADY_STORED).log("already stored");
      return Outcome.ALREADY_STORED;
    }
    if (status == JobStatus.DOWNLOAD_FAILED && !redrive) {
      // keep failing the record, so that it ends at the on-failure destination, not skipped
      throw DownloadException.permanent(
          "job "
              + job
              + " was given up on after "
              + giveUpAfterAttempts
              + " attempts: redrive it with videohook replay");
    }
    // a download_failed job waits for its video only when it is re-driven (refused above otherwise)
    boolean waiting = status != null && status.isWaitingForVideo();
    if (!waiting) {
      log(LOG.atWarn(), job)
          .addKeyValue("status", status == null ? "missing" : status.value())
          .addKeyValue("outcome", Outcome.SKIPPED)
          .log("not completed: nothing to download");
      return Outcome.SKIPPED;
    }
    // one download per job at a time: the lease ends when this claimant's time does, and the
    // download stops a margin before it, so nothing of ours is written once another could hold it
    Deadline bounded = deadline.orWithin(clock, UNBOUNDED_LEASE, DownloadHandler.DEADLINE_MARGIN);
    LeaseClaim claim = jobs.claimDownload(job.key(), clock.instant(), bounded.end().orElseThrow());
    if (claim instanceof LeaseClaim.Held held) {
      log(LOG.atInfo(), job)
          .addKeyValue("leaseUntil", held.until())
          .addKeyValue("outcome", Outcome.DOWNLOAD_RUNNING)
          .log("another download holds the job: left to it");
      return Outcome.DOWNLOAD_RUNNING;
    }
    if (claim instanceof LeaseClaim.NotWaiting notWaiting) {
      return notWaiting.status().orElse(null) == JobStatus.STORED
          ? Outcome.ALREADY_STORED
          : Outcome.SKIPPED;
    }
    LeaseClaim.Granted granted = (LeaseClaim.Granted) claim;
    DownloadLease lease = granted.lease();
    if (granted.status() == JobStatus.DOWNLOAD_FAILED && !redrive) {
      // given up on between the read above and the claim: refused as above
      jobs.releaseDownload(lease);
      throw DownloadException.permanent(
          "job " + job + " was given up on: redrive it with videohook replay");
    }
    if (outputsExpired(job)) {
      jobs.markDownloadFailed(
          lease, Job.outputsExpiredReason(job.outputsExpireAt()), clock.instant());
      metrics.downloadFailed(job.tenant(), job.provider().id(), job.jobId());
      log(LOG.atWarn(), job)
          .addKeyValue("outcome", Outcome.OUTPUTS_EXPIRED)
          .addKeyValue("outputsExpireAt", job.outputsExpireAt())
          .log("outputs expired before they were stored: job marked download_failed, no download");
      return Outcome.OUTPUTS_EXPIRED;
    }
    List<StoredObject> objects;
    try {
      objects = downloader.download(job, bounded);
    } catch (RuntimeException e) {
      boolean deadlinePassed = e instanceof DownloadException d && d.isDeadline();
      LoggingEventBuilder line =
          log(LOG.atWarn(), job)
              .addKeyValue("outcome", deadlinePassed ? "deadline" : "failed")
              .addKeyValue("error", describe(e));
      if (e instanceof SdkException) {
        line = line.setCause(e); // AWS's own failures carry no provider header
      } else if (!(e instanceof DownloadException)) {
        line = line.addKeyValue("exception", DownloadException.kind(e)); // for whoever debugs it
      }
      line.log("download failed");
      metrics.downloadFailed(job.tenant(), job.provider().id(), job.jobId());
      noteFailure(job, lease, e, redrive);
      throw e;
    }
    return switch (jobs.markStored(lease, downloader.bucket(), objects, clock.instant())) {
      case STORED -> {
        long bytes = objects.stream().mapToLong(StoredObject::size).sum();
        metrics.downloadStored(job.tenant(), job.provider().id(), job.jobId(), bytes);
        yield Outcome.STORED;
      }
      case ALREADY_STORED -> Outcome.ALREADY_STORED;
      case NOT_LEASED -> {
        log(LOG.atWarn(), job)
            .addKeyValue("outcome", Outcome.DOWNLOAD_RUNNING)
            .log("the lease ran out and another download took the job over: not recorded");
        yield Outcome.DOWNLOAD_RUNNING;
      }
      case NOT_COMPLETED -> Outcome.SKIPPED;
    };
  }

  /** The provider said when its copy of the outputs goes, and that time has come. */
  private boolean outputsExpired(CompletedJob job) {
    return job.outputsExpireAt() != null && !clock.instant().isBefore(job.outputsExpireAt());
  }

  /**
   * What is stored and logged about a failure: a {@link DownloadException}'s message (written by
   * this code); for S3 and Secrets Manager, what they answered in words; otherwise a plain
   * "unexpected failure", since another exception's message could quote a header value and its
   * class name tells the user nothing (the log line carries the exception itself).
   */
  static String describe(RuntimeException failure) {
    if (failure instanceof DownloadException || failure instanceof SecretsUnavailableException) {
      return failure.getMessage();
    }
    if (failure instanceof S3Exception s3) {
      String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
      return "storing in S3 failed: S3 answered HTTP "
          + s3.statusCode()
          + (code == null || code.isBlank() ? "" : " (" + code + ")");
    }
    if (failure instanceof SdkClientException) {
      return "storing in S3 failed: S3 could not be reached";
    }
    return "unexpected failure in the downloader: its log line has the details";
  }

  private void noteFailure(
      CompletedJob job, DownloadLease lease, RuntimeException failure, boolean redrive) {
    try {
      String message = describe(failure);
      boolean refused = failure instanceof DownloadException d && d.isRefused();
      if (redrive) {
        metrics.redriveFailed(job.tenant(), job.provider().id(), job.jobId());
      }
      // a redrive's transient failure is counted like the stream's: a job still completed keeps
      // its remaining attempts, so the stream's own retry is not refused
      if (refused) {
        jobs.markDownloadFailed(lease, message, clock.instant());
        log(LOG.atWarn(), job)
            .addKeyValue("outcome", JobStatus.DOWNLOAD_FAILED.value())
            .addKeyValue("error", message)
            .log("source refused: job marked download_failed, no retries");
        return;
      }
      jobs.recordDownloadFailure(lease, message, clock.instant(), giveUpAfterAttempts);
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
      log(LOG.atError(), job).setCause(e).log("could not note the failed download on the job");
    }
  }

  /** Every line about a job names its tenant, provider and id, as the receiver's lines do. */
  static LoggingEventBuilder log(LoggingEventBuilder line, CompletedJob job) {
    return line.addKeyValue("tenant", job.tenant())
        .addKeyValue("provider", job.provider().id())
        .addKeyValue("jobId", job.jobId());
  }
}
