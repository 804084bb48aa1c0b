package dev.videohook.job;

import dev.videohook.provider.Provider;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One job as the jobs table holds it. {@link JobItems} is the only translation between this and a
 * DynamoDB item; {@link JobStore} makes every write, one method per state transition.
 *
 * @param key tenant, provider and the provider's job id
 * @param status the job's current state
 * @param model the model slug, from submit or from the terminal event; null if unknown
 * @param prompt what was asked for, recorded at submit; null if submitted elsewhere
 * @param generationId {@code data.generation_id} of the terminal event, or null
 * @param unsignedUrls where the provider serves the finished videos; empty means "use the content
 *     endpoint"
 * @param usage cost and bring-your-own-key flag reported with the terminal event
 * @param error the provider's {@code data.error} for a job that did not complete, or null
 * @param eventType the terminal event's {@code type} as sent, or null before it arrived
 * @param eventCreatedAt the terminal event's {@code created_at} as sent, or null
 * @param terminalDelivery the dedupe key of the delivery that set the terminal state, or null
 * @param stored where the downloader put the videos: bucket and one object per source; {@link
 *     StoredVideos#NONE} until the job is {@code stored}
 * @param download the downloader's failed attempts so far and the latest reason
 * @param times when the job was submitted, became terminal, was stored, and last changed
 * @param reconcile the reconciler's note on a pending job it could not settle yet; {@link
 *     ReconcileCheck#NONE} until it looked
 * @param signedUrls the provider's signed storage URLs ({@code data.urls}), in output order: where
 *     the downloader falls back to when the content proxy fails; empty when none was given
 * @param outputsExpireAt when the provider's stored copy of the outputs stops being available
 *     ({@code data.expires_at}), or null when it did not say. Not the table's TTL attribute, which
 *     would delete the job.
 */
public record Job(
    JobKey key,
    JobStatus status,
    String model,
    String prompt,
    String generationId,
    List<String> unsignedUrls,
    Usage usage,
    String error,
    String eventType,
    String eventCreatedAt,
    String terminalDelivery,
    StoredVideos stored,
    DownloadAttempts download,
    Times times,
    ReconcileCheck reconcile,
    List<String> signedUrls,
    Instant outputsExpireAt) {

  public Job {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(status, "status");
    unsignedUrls = unsignedUrls == null ? List.of() : List.copyOf(unsignedUrls);
    usage = usage == null ? Usage.NONE : usage;
    stored = stored == null ? StoredVideos.NONE : stored;
    download = download == null ? DownloadAttempts.NONE : download;
    times = times == null ? Times.NONE : times;
    reconcile = reconcile == null ? ReconcileCheck.NONE : reconcile;
    signedUrls = signedUrls == null ? List.of() : List.copyOf(signedUrls);
  }

  /**
   * The order jobs are worked on where several wait (a redrive, the reconciler's expiry watch): the
   * soonest-expiring outputs first, then the jobs whose expiry is not known, each group in the
   * order given (a stable sort keeps it).
   */
  public static final Comparator<Job> SOONEST_EXPIRING_FIRST =
      Comparator.comparing(Job::outputsExpireAt, Comparator.nullsLast(Comparator.naturalOrder()));

  /**
   * The reason a job whose outputs expired before they were stored ends {@code download_failed}
   * with: the downloader's and the reconciler's own words.
   */
  public static String outputsExpiredReason(Instant expiry) {
    return "outputs expired at "
        + expiry
        + " before they were stored: the provider no longer serves them, nothing was fetched";
  }

  /** A job with only its key and status; the rest is set on the builder. */
  public static Builder builder(JobKey key, JobStatus status) {
    return new Builder(key, status);
  }

  /** A builder holding every component of this job, to change a few. */
  public Builder toBuilder() {
    return new Builder(key, status)
        .model(model)
        .prompt(prompt)
        .generationId(generationId)
        .unsignedUrls(unsignedUrls)
        .usage(usage)
        .error(error)
        .eventType(eventType)
        .eventCreatedAt(eventCreatedAt)
        .terminalDelivery(terminalDelivery)
        .stored(stored)
        .download(download)
        .times(times)
        .reconcile(reconcile)
        .signedUrls(signedUrls)
        .outputsExpireAt(outputsExpireAt);
  }

  public String tenant() {
    return key.tenant();
  }

  public Provider provider() {
    return key.provider();
  }

  public String jobId() {
    return key.jobId();
  }

  /**
   * The videos of a stored job.
   *
   * @param bucket the S3 bucket, or null before the job is stored
   * @param objects one object per source, in source order
   */
  public record StoredVideos(String bucket, List<StoredObject> objects) {
    public static final StoredVideos NONE = new StoredVideos(null, List.of());

    public StoredVideos {
      objects = objects == null ? List.of() : List.copyOf(objects);
    }
  }

  /**
   * The downloader's record of failures.
   *
   * @param failedAttempts download invocations that failed so far
   * @param lastError why the latest one failed (never a secret or a query string), or null
   */
  public record DownloadAttempts(int failedAttempts, String lastError) {
    public static final DownloadAttempts NONE = new DownloadAttempts(0, null);
  }

  /**
   * What the reconciler last found for a pending job it could not settle.
   *
   * @param nextCheck when it looks again, or null
   * @param lastOutcome what the provider answered last time (a status code, no key, a timeout...),
   *     or null
   */
  public record ReconcileCheck(Instant nextCheck, String lastOutcome) {
    public static final ReconcileCheck NONE = new ReconcileCheck(null, null);
  }

  /** When a job changed; each is null until it happened. */
  public record Times(
      Instant submittedAt, Instant terminalAt, Instant storedAt, Instant updatedAt) {
    public static final Times NONE = new Times(null, null, null, null);
  }

  /** Builds a {@link Job}; a component left unset takes the record's default (null or NONE). */
  public static final class Builder {
    private JobKey key;
    private JobStatus status;
    private String model;
    private String prompt;
    private String generationId;
    private List<String> unsignedUrls;
    private Usage usage;
    private String error;
    private String eventType;
    private String eventCreatedAt;
    private String terminalDelivery;
    private StoredVideos stored;
    private DownloadAttempts download;
    private Times times;
    private ReconcileCheck reconcile;
    private List<String> signedUrls;
    private Instant outputsExpireAt;

    private Builder(JobKey key, JobStatus status) {
      this.key = key;
      this.status = status;
    }

    public Builder key(JobKey key) {
      this.key = key;
      return this;
    }

    public Builder status(JobStatus status) {
      this.status = status;
      return this;
    }

    public Builder model(String model) {
      this.model = model;
      return this;
    }

    public Builder prompt(String prompt) {
      this.prompt = prompt;
      return this;
    }

    public Builder generationId(String generationId) {
      this.generationId = generationId;
      return this;
    }

    public Builder unsignedUrls(List<String> unsignedUrls) {
      this.unsignedUrls = unsignedUrls;
      return this;
    }

    public Builder usage(Usage usage) {
      this.usage = usage;
      return this;
    }

    public Builder error(String error) {
      this.error = error;
      return this;
    }

    public Builder eventType(String eventType) {
      this.eventType = eventType;
      return this;
    }

    public Builder eventCreatedAt(String eventCreatedAt) {
      this.eventCreatedAt = eventCreatedAt;
      return this;
    }

    public Builder terminalDelivery(String terminalDelivery) {
      this.terminalDelivery = terminalDelivery;
      return this;
    }

    public Builder stored(StoredVideos stored) {
      this.stored = stored;
      return this;
    }

    public Builder download(DownloadAttempts download) {
      this.download = download;
      return this;
    }

    public Builder times(Times times) {
      this.times = times;
      return this;
    }

    public Builder reconcile(ReconcileCheck reconcile) {
      this.reconcile = reconcile;
      return this;
    }

    public Builder signedUrls(List<String> signedUrls) {
      this.signedUrls = signedUrls;
      return this;
    }

    public Builder outputsExpireAt(Instant outputsExpireAt) {
      this.outputsExpireAt = outputsExpireAt;
      return this;
    }

    public Job build() {
      return new Job(
          key,
          status,
          model,
          prompt,
          generationId,
          unsignedUrls,
          usage,
          error,
          eventType,
          eventCreatedAt,
          terminalDelivery,
          stored,
          download,
          times,
          reconcile,
          signedUrls,
          outputsExpireAt);
    }
  }
}
