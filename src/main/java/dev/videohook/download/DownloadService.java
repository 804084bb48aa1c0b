package dev.videohook.download;

import dev.videohook.config.AwsClients;
import dev.videohook.job.JobStatus;
import dev.videohook.secrets.TenantSecrets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One completed job, start to end: skip it unless the job item is still {@code completed}, copy its
 * videos into S3, then mark it {@code stored} with one conditional update. A failure is noted on
 * the job item and thrown, so the caller reports the record for retry.
 */
public final class DownloadService {
  private static final Logger LOG = LoggerFactory.getLogger(DownloadService.class);

  /** What became of a job. */
  public enum Outcome {
    STORED,
    /** The job was already stored: nothing was downloaded. */
    ALREADY_STORED,
    /** The job item is gone or not {@code completed} any more: nothing was downloaded. */
    SKIPPED
  }

  private final VideoDownloader downloader;
  private final StoredVideos store;
  private final Clock clock;
  private final int giveUpAfterAttempts;

  /**
   * Everything built from environment variables ({@link DownloadConfig}), the AWS clients once:
   * what the Lambda does at init, and what the local stack does with its own settings.
   *
   * @throws dev.videohook.config.ConfigurationException naming every missing or invalid setting
   */
  public static DownloadService fromEnvironment(Map<String, String> env) {
    DownloadConfig config = DownloadConfig.fromEnvironment(env);
    StreamingUploader uploader =
        new StreamingUploader(S3Clients.s3(config.region(), config.s3Endpoint()), config.bucket());
    VideoDownloader downloader =
        VideoDownloader.builder(
                uploader, TenantSecrets.fromEnvironment(DownloadConfig.secretsSettings(env)))
            .apiBases(config.apiBases())
            .allowLoopbackHttp(config.allowLoopbackHttp())
            .maxBytes(config.maxBytes())
            .build();
    StoredVideos store =
        new StoredVideos(
            AwsClients.dynamoDb(config.region(), config.dynamoDbEndpoint()), config.tableName());
    return new DownloadService(downloader, store, Clock.systemUTC(), config.giveUpAfterAttempts());
  }

  /**
   * @param giveUpAfterAttempts failed attempts after which the job is marked {@code
   *     download_failed}: the stream's retries are then spent, and only a redrive stores it
   */
  public DownloadService(
      VideoDownloader downloader, StoredVideos store, Clock clock, int giveUpAfterAttempts) {
    this.downloader = downloader;
    this.store = store;
    this.clock = clock;
    this.giveUpAfterAttempts = giveUpAfterAttempts;
  }

  /**
   * @throws RuntimeException ({@link DownloadException}, or an AWS SDK exception) when the job
   *     could not be stored; the failure has been noted on the job item
   */
  public Outcome process(CompletedJob job) {
    return process(job, false);
  }

  /**
   * Downloads a job that is {@code completed}, or one marked {@code download_failed}, as an
   * operator's redrive does ({@code videohook replay}).
   */
  public Outcome redrive(CompletedJob job) {
    return process(job, true);
  }

  private Outcome process(CompletedJob job, boolean redrive) {
    String status = store.status(job).orElse(null);
    if (JobStatus.STORED.value().equals(status)) {
      LOG.info("job {} is already stored", job);
      return Outcome.ALREADY_STORED;
    }
    if (JobStatus.DOWNLOAD_FAILED.value().equals(status) && !redrive) {
      // keep failing the record, so that it ends at the on-failure destination, not skipped
      throw DownloadException.permanent(
          "job "
              + job
              + " was given up on after "
              + giveUpAfterAttempts
              + " attempts: redrive it with videohook replay");
    }
    if (!JobStatus.COMPLETED.value().equals(status)
        && !(redrive && JobStatus.DOWNLOAD_FAILED.value().equals(status))) {
      LOG.warn(
          "job {} is {}, not completed: nothing to download",
          job,
          status == null ? "missing" : status);
      return Outcome.SKIPPED;
    }
    List<StoredObject> objects;
    try {
      objects = downloader.download(job);
    } catch (RuntimeException e) {
      LOG.warn("download of job {} failed: {}", job, e.getMessage());
      noteFailure(job, e);
      throw e;
    }
    return switch (store.markStored(job, downloader.bucket(), objects, clock.instant())) {
      case STORED -> Outcome.STORED;
      case ALREADY_STORED -> Outcome.ALREADY_STORED;
      case NOT_COMPLETED -> Outcome.SKIPPED;
    };
  }

  private void noteFailure(CompletedJob job, RuntimeException failure) {
    try {
      String message =
          failure instanceof DownloadException ? failure.getMessage() : failure.toString();
      store.recordFailure(job, message, clock.instant(), giveUpAfterAttempts);
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
      LOG.error("could not note the failed download on job {}: {}", job, e.toString());
    }
  }
}
