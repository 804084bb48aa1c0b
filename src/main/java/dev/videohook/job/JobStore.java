package dev.videohook.job;

import dev.videohook.config.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Every read and write of the jobs table, one method per state transition:
 *
 * <ul>
 *   <li>{@link #recordSubmitted}: a job just submitted becomes {@code pending};
 *   <li>{@link #recordDelivery}: the receiver's commit point, a terminal event (once per dedupe
 *       key; a terminal state is final);
 *   <li>{@link #claimDownload}: a download takes the job's lease, so no other starts while it runs;
 *       the three writes below are its holder's alone, and release it;
 *   <li>{@link #markStored}: {@code completed} (or {@code download_failed}, on redrive) becomes
 *       {@code stored};
 *   <li>{@link #recordDownloadFailure}: a failed download is noted, and the last one the stream
 *       will make marks the job {@code download_failed};
 *   <li>{@link #expirePending}: the reconciler gives up on a job still {@code pending} past its
 *       deadline;
 *   <li>{@link #markDownloadFailed}: a source that must never be fetched marks the job {@code
 *       download_failed} at once.
 * </ul>
 *
 * The table's stream drives everything downstream of a commit, so nothing else has to be written
 * for a delivery to take effect. Items, keys and conditions come from {@link JobItems} only;
 * updates are put together by {@link Update}; what a refused commit means is {@link
 * RefusedCommit}'s to say; the IAM actions each caller needs are {@link JobTableActions}.
 */
public final class JobStore implements JobRepository {
  private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);

  public static final Duration DEFAULT_DELIVERY_TTL = Duration.ofDays(30);

  /** How many days delivery items are kept; every function that writes them reads it here. */
  public static final String DELIVERY_TTL_DAYS = "DELIVERY_TTL_DAYS";

  /** {@link #DELIVERY_TTL_DAYS}, default 30; problems are collected in {@code settings}. */
  public static Duration deliveryTtl(Settings settings) {
    return Duration.ofDays(settings.positiveLong(DELIVERY_TTL_DAYS, DEFAULT_DELIVERY_TTL.toDays()));
  }

  private static final String VALIDATION_EXCEPTION = "ValidationException";

  private final DynamoDbClient dynamoDb;
  private final String tableName;
  private final Duration deliveryTtl;

  public JobStore(DynamoDbClient dynamoDb, String tableName, Duration deliveryTtl) {
    this.dynamoDb = dynamoDb;
    this.tableName = tableName;
    this.deliveryTtl = deliveryTtl;
  }

  /** A store for reads and the downloader's writes, which keep no delivery records. */
  public JobStore(DynamoDbClient dynamoDb, String tableName) {
    this(dynamoDb, tableName, DEFAULT_DELIVERY_TTL);
  }

  public String tableName() {
    return tableName;
  }

  /** The client, for {@link JobScan}'s local-only Scan. */
  DynamoDbClient dynamoDb() {
    return dynamoDb;
  }

  // --- transitions ---

  /**
   * Commits a verified delivery exactly once, with ONE conditional write: an UpdateItem of the job
   * item that sets its terminal state, the delivery's dedupe key ({@code terminal_delivery}) and
   * the raw event, on condition that the job is new or still {@code pending}. When the condition
   * fails, the old item (returned with the failure) tells the two cases apart ({@link
   * RefusedCommit}): the same dedupe key is a duplicate; another one is a late terminal event, kept
   * as a delivery item for audit (the only path that writes a second item) while the job's terminal
   * state stays final.
   *
   * @throws UnstorableDeliveryException when DynamoDB refuses the values themselves (a
   *     ValidationException): the event is bad, retrying it cannot help
   * @throws software.amazon.awssdk.core.exception.SdkException when DynamoDB fails; the caller must
   *     not acknowledge the delivery
   */
  public RecordOutcome recordDelivery(Delivery delivery) {
    // a job belongs to the tenant that submitted it: a read of its owner item first. Not one
    // atomic step with the commit: a delivery racing the submit's own record (the job finished
    // before videohook submit wrote it) is let through, as a job submitted elsewhere is. A
    // captured delivery replayed later finds the owner.
    if (JobItems.ownedByAnother(getItem(JobItems.ownerKey(delivery.jobKey())), delivery.tenant())) {
      return RecordOutcome.FOREIGN_TENANT;
    }
    Map<String, AttributeValue> sets =
        new HashMap<>(JobItems.terminalAttributes(delivery.reportedJob()));
    sets.putAll(JobItems.firstDeliveryAttributes(delivery));
    // a terminal state is final, but for an expiry the reconciler wrote itself
    // (JobExpressions.committable); an event without an error clears the reason that expiry left
    Update commit = Update.set(sets).when(JobExpressions.committable());
    if (!sets.containsKey(JobTable.ERROR)) {
      commit.andRemove(JobTable.ERROR);
    }
    Map<String, AttributeValue> item = new HashMap<>(JobItems.key(delivery.jobKey()));
    item.putAll(sets);
    if (ItemSize.of(item) > ItemSize.MAX_BYTES) {
      // refused before the write: nothing of it may reach the table or its stream
      throw new UnstorableDeliveryException(delivery.jobKey(), ItemSize.of(item));
    }
    try {
      dynamoDb.updateItem(commit.request(tableName, JobItems.key(delivery.jobKey())));
      return RecordOutcome.RECORDED;
    } catch (ConditionalCheckFailedException e) {
      if (RefusedCommit.of(delivery, e.item()) == RefusedCommit.DUPLICATE) {
        return RecordOutcome.DUPLICATE;
      }
      return RefusedCommit.lateOutcome(
          putDeliveryIfNew(JobItems.toItem(delivery.record(deliveryTtl))));
    } catch (DynamoDbException e) {
      throw unstorableOrSame(e, delivery.jobKey());
    }
  }

  /**
   * Keeps a verified event of a type this version does not know, raw, as a delivery item (expiring
   * like the others), deduplicated by the SHA-256 of its body. No job item is touched.
   *
   * @param job the tenant and provider, and {@code data.id} if the event named a valid one (else an
   *     empty id)
   * @return {@link RecordOutcome#RECORDED}, or {@link RecordOutcome#DUPLICATE} for the same body
   * @throws UnstorableDeliveryException when DynamoDB refuses the values themselves
   */
  public RecordOutcome recordUnknownEvent(
      JobKey job, String type, String rawBody, String idempotencyHeader, Instant receivedAt) {
    DeliveryRecord record =
        DeliveryRecord.unknownEvent(job, type, rawBody, idempotencyHeader, receivedAt, deliveryTtl);
    try {
      return putDeliveryIfNew(JobItems.toItem(record));
    } catch (DynamoDbException e) {
      throw unstorableOrSame(e, job);
    }
  }

  /** Puts a delivery item unless its key exists: RECORDED, or DUPLICATE when it exists. */
  private RecordOutcome putDeliveryIfNew(Map<String, AttributeValue> item) {
    Expression absent = JobExpressions.absent().expression();
    try {
      dynamoDb.putItem(
          PutItemRequest.builder()
              .tableName(tableName)
              .item(item)
              .conditionExpression(absent.text())
              .expressionAttributeNames(absent.names())
              .build());
      return RecordOutcome.RECORDED;
    } catch (ConditionalCheckFailedException duplicate) {
      return RecordOutcome.DUPLICATE;
    }
  }

  /** A ValidationException means the values cannot be stored; anything else is a failure. */
  private static RuntimeException unstorableOrSame(DynamoDbException e, JobKey job) {
    boolean validation =
        e.awsErrorDetails() != null && VALIDATION_EXCEPTION.equals(e.awsErrorDetails().errorCode());
    return validation ? new UnstorableDeliveryException(job, e) : e;
  }

  /**
   * Records a job just submitted to the provider as {@code pending}, so that the receiver and the
   * operators know it. If its webhook has already arrived (a fast job), the terminal state stays
   * and only the submit details are added.
   */
  public void recordSubmitted(JobKey job, String model, String prompt, Instant submittedAt) {
    // the owner first: a delivery for this id at another tenant's URL is then refused
    Expression ownerFree = JobExpressions.ownerAbsentOr(job.tenant());
    try {
      dynamoDb.putItem(
          PutItemRequest.builder()
              .tableName(tableName)
              .item(JobItems.ownerItem(job))
              .conditionExpression(ownerFree.text())
              .expressionAttributeNames(ownerFree.names())
              .expressionAttributeValues(ownerFree.values())
              .build());
    } catch (ConditionalCheckFailedException ownedElsewhere) {
      throw new IllegalStateException(
          "job id " + job.jobId() + " at " + job.provider().id() + " belongs to another tenant");
    }
    Job submitted = JobItems.submitted(job, model, prompt, submittedAt);
    Update update =
        Update.set(JobItems.submittedAttributes(submitted))
            .andSetIfNotExists(JobItems.submittedIfAbsent(submitted));
    dynamoDb.updateItem(update.request(tableName, JobItems.key(job)));
  }

  /**
   * Claims a job's download: one download per job at a time, whoever starts it (the stream, a
   * replay, a redrive, the reconciler's stranded pass). One conditional write sets the lease (a new
   * owner token and {@code expiresAt}) on a job waiting for its video ({@code completed}, or {@code
   * download_failed}) that no live lease holds: none, or one whose expiry is not after {@code now},
   * which is taken over (its holder's later writes are then refused). The lease touches neither the
   * status nor {@code updated_at}: no stream filter matches the write, and the status index keeps
   * the job where it was, so the stranded pass still finds a job whose holder died.
   *
   * @param expiresAt when the lease ends: no later than the claimant's own deadline (the
   *     invocation's end, the command's budget), so that a claimant that dies frees the job then
   * @throws IllegalArgumentException when {@code expiresAt} is not after {@code now}
   */
  public LeaseClaim claimDownload(JobKey job, Instant now, Instant expiresAt) {
    DownloadLease lease = DownloadLease.claimed(job, now, expiresAt);
    Update claim =
        Update.set(JobItems.lease(lease)).when(JobExpressions.claimable(now)).returningNew();
    try {
      Map<String, AttributeValue> item =
          dynamoDb.updateItem(claim.request(tableName, JobItems.key(job))).attributes();
      return new LeaseClaim.Granted(lease, JobItems.status(item).orElseThrow());
    } catch (ConditionalCheckFailedException e) {
      Optional<JobStatus> status = JobItems.status(e.item());
      if (status.isPresent() && status.get().isWaitingForVideo()) {
        return new LeaseClaim.Held(JobItems.leaseExpiry(e.item()).orElse(now));
      }
      return new LeaseClaim.NotWaiting(status);
    }
  }

  /**
   * Gives a lease up without a result, for a claimant that will not download after all.
   *
   * @return false when the lease was no longer held (taken over, or released)
   */
  public boolean releaseDownload(DownloadLease lease) {
    Update release =
        Update.set(Map.of())
            .andRemove(JobItems.leaseAttributes())
            .when(JobExpressions.ownedBy(lease));
    try {
      dynamoDb.updateItem(release.request(tableName, JobItems.key(lease.job())));
      return true;
    } catch (ConditionalCheckFailedException notHeld) {
      return false;
    }
  }

  /**
   * The downloader's success: a job still waiting for its video ({@code completed}, or {@code
   * download_failed} when an operator re-drives it) becomes {@code stored}, with where its videos
   * are, and its lease is released; written only while {@code lease} holds the job. This update
   * does not match the "newly completed" stream filter, so it triggers nothing.
   */
  public StoreOutcome markStored(
      DownloadLease lease, String bucket, List<StoredObject> objects, Instant at) {
    Update update =
        Update.set(JobItems.storedTransition(new Job.StoredVideos(bucket, objects), at))
            .andRemove(JobItems.leaseAttributes())
            .when(JobExpressions.leasedTo(lease));
    try {
      dynamoDb.updateItem(update.request(tableName, JobItems.key(lease.job())));
      return StoreOutcome.STORED;
    } catch (ConditionalCheckFailedException e) {
      Optional<JobStatus> status = JobItems.status(e.item());
      if (status.isPresent() && status.get() == JobStatus.STORED) {
        return StoreOutcome.ALREADY_STORED;
      }
      return status.isPresent() && status.get().isWaitingForVideo()
          ? StoreOutcome.NOT_LEASED
          : StoreOutcome.NOT_COMPLETED;
    }
  }

  /**
   * Notes a failed download attempt on a job still waiting for its video and releases {@code
   * lease}; once {@code giveUpAfterAttempts} attempts have failed, a {@code completed} job is
   * marked {@code download_failed}. Written only while {@code lease} holds the job: a job taken
   * over, or in any other state, is left alone.
   *
   * @param error why it failed: never a secret or a query string
   */
  public void recordDownloadFailure(
      DownloadLease lease, String error, Instant at, int giveUpAfterAttempts) {
    Optional<Map<String, AttributeValue>> noted = noteDownloadFailure(lease, error, at, false);
    if (noted.isEmpty()) {
      return; // taken over, stored meanwhile, or gone: nothing more to note
    }
    // a second write, after the count: the give-up mark must see the attempt just counted. The
    // lease, held until here, kept every other writer off the count.
    boolean giveUp =
        JobItems.status(noted.get()).orElse(null) == JobStatus.COMPLETED
            && JobItems.downloadAttempts(noted.get()) >= giveUpAfterAttempts;
    Update release =
        Update.set(giveUp ? JobItems.status(JobStatus.DOWNLOAD_FAILED) : Map.of())
            .andRemove(JobItems.leaseAttributes())
            .when(JobExpressions.ownedBy(lease));
    try {
      dynamoDb.updateItem(release.request(tableName, JobItems.key(lease.job())));
    } catch (ConditionalCheckFailedException takenOver) {
      // its expiry passed and another download holds the job now: the count stays, the rest is its
    }
  }

  /**
   * Counts a failed attempt and notes its reason on a job still waiting for its video ({@code
   * completed}, or {@code download_failed} on a redrive) that {@code lease} holds; with {@code
   * giveUpNow}, also marks it {@code download_failed} and releases the lease.
   *
   * @return the item as written; empty when the lease does not hold the job or it is not waiting
   *     for its video (stored meanwhile, another state, gone)
   */
  private Optional<Map<String, AttributeValue>> noteDownloadFailure(
      DownloadLease lease, String error, Instant at, boolean giveUpNow) {
    Update update =
        Update.set(JobItems.downloadFailure(bounded(error, "unknown error"), at, giveUpNow))
            .andAdd(JobItems.oneMoreAttempt())
            .when(JobExpressions.leasedTo(lease))
            .returningNew();
    if (giveUpNow) {
      update.andRemove(JobItems.leaseAttributes());
    }
    try {
      return Optional.of(
          dynamoDb.updateItem(update.request(tableName, JobItems.key(lease.job()))).attributes());
    } catch (ConditionalCheckFailedException notHeld) {
      return Optional.empty();
    }
  }

  /** A reason as stored: a default for none, cut to {@link TextBounds#MAX_REASON_BYTES}. */
  private static String bounded(String reason, String fallback) {
    return TextBounds.truncateUtf8(reason == null ? fallback : reason, TextBounds.MAX_REASON_BYTES);
  }

  /**
   * The reconciler's last word on a job the provider never finished: a job still {@code pending}
   * becomes {@code expired}, with the reason as its error. Conditional on the job being pending
   * still, so a webhook or another reconciler run that got there first wins.
   *
   * @return true if the job was moved, false if it was not pending (or is gone)
   */
  public boolean expirePending(JobKey job, String reason, Instant at) {
    Update update =
        Update.set(JobItems.expiredTransition(bounded(reason, "expired"), at))
            .when(JobExpressions.inStatus(JobStatus.PENDING));
    try {
      dynamoDb.updateItem(update.request(tableName, JobItems.key(job)));
      return true;
    } catch (ConditionalCheckFailedException notPending) {
      return false;
    }
  }

  /**
   * Marks a job {@code download_failed} at once, with {@code reason}, and releases {@code lease}:
   * for a source that must never be fetched, where retrying cannot help, or a job the stream can no
   * longer download. Counts the attempt like {@link #recordDownloadFailure}.
   *
   * @return true when the job was marked; false when the lease does not hold it or it is not
   *     waiting for its video (stored meanwhile, not completed, or gone)
   */
  public boolean markDownloadFailed(DownloadLease lease, String reason, Instant at) {
    return noteDownloadFailure(lease, reason, at, true).isPresent();
  }

  // --- reads ---

  /**
   * Jobs still {@code pending} whose last change (their submit) was before {@code before}, oldest
   * first: a Query on {@link JobTable#BY_STATUS_INDEX}, never a Scan. The index is eventually
   * consistent; every write made from what it returns is conditional.
   *
   * @param cursor where the previous page stopped, or null for the first page
   */
  public JobPage pendingUpdatedBefore(Instant before, int limit, JobPage.Cursor cursor) {
    return jobsInStatus(JobStatus.PENDING, before, limit, cursor);
  }

  /**
   * As {@link #pendingUpdatedBefore}, split by the reconciler's note ({@link #deferPending}): jobs
   * it never looked at ({@code neverChecked}), or jobs it looked at whose next check is due by
   * {@code now}. A filter on the same Query: a page may hold fewer jobs than {@code limit} (even
   * none) and still have a next one.
   */
  public JobPage pendingToCheck(
      Instant before, Instant now, boolean neverChecked, int limit, JobPage.Cursor cursor) {
    return query(
        JobStatus.PENDING,
        before,
        limit,
        cursor,
        neverChecked ? JobExpressions.neverChecked() : JobExpressions.checkDueBy(now));
  }

  /**
   * The reconciler's note on a job still {@code pending} that it could not settle: look again at
   * {@code nextCheck}, and why it could not settle it. Leaves {@code updated_at} alone, so the
   * status index keeps the job in its place and its deadline stays where it was; a job no longer
   * pending is left alone.
   */
  public void deferPending(JobKey job, Instant nextCheck, String lastOutcome) {
    Update note =
        Update.set(JobItems.reconcileNote(nextCheck, bounded(lastOutcome, "unknown")))
            .when(JobExpressions.inStatus(JobStatus.PENDING));
    try {
      dynamoDb.updateItem(note.request(tableName, JobItems.key(job)));
    } catch (ConditionalCheckFailedException settledMeanwhile) {
      // a webhook got there first: nothing to defer
    }
  }

  /**
   * Jobs in {@code status} whose last change was before {@code before}, oldest first (a Query on
   * {@link JobTable#BY_STATUS_INDEX}).
   *
   * @param cursor where the previous page stopped, or null for the first page
   */
  public JobPage jobsInStatus(JobStatus status, Instant before, int limit, JobPage.Cursor cursor) {
    return query(status, before, limit, cursor, null);
  }

  private JobPage query(
      JobStatus status, Instant before, int limit, JobPage.Cursor cursor, Condition condition) {
    Expression filter = condition == null ? null : condition.expression();
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    Expression keys = JobExpressions.statusUpdatedBefore(status, before);
    QueryResponse response =
        dynamoDb.query(
            onIndex(JobTable.BY_STATUS_INDEX, keys, filter)
                .filterExpression(filter == null ? null : filter.text())
                .scanIndexForward(true)
                .limit(limit)
                .exclusiveStartKey(cursor == null ? null : cursor.lastKey)
                .build());
    List<Job> jobs = new ArrayList<>();
    for (Map<String, AttributeValue> item : response.items()) {
      try {
        JobItems.job(item).ifPresent(jobs::add);
      } catch (IllegalArgumentException unreadable) {
        LOG.atWarn()
            .addKeyValue("status", status.value())
            .setCause(unreadable)
            .log("unreadable job item in the status index: skipped");
      }
    }
    Optional<JobPage.Cursor> next =
        response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
            ? Optional.of(new JobPage.Cursor(response.lastEvaluatedKey()))
            : Optional.empty();
    return new JobPage(jobs, next);
  }

  /** The job as stored now (consistent read). */
  public Optional<Job> find(JobKey job) {
    return JobItems.job(getItem(JobItems.key(job)));
  }

  /**
   * The delivery that set a job's terminal state, as the job item keeps it (raw event included; it
   * does not expire with the delivery items).
   */
  public Optional<DeliveryRecord> terminalDelivery(JobKey job) {
    return JobItems.terminalDelivery(getItem(JobItems.key(job)));
  }

  /**
   * A delivery item: a late terminal event or an unknown event type, while DynamoDB's TTL has not
   * removed it. A job's first terminal delivery is on the job item ({@link #terminalDelivery}).
   */
  public Optional<DeliveryRecord> findDelivery(JobKey job, String dedupeKey) {
    return JobItems.delivery(getItem(JobItems.deliveryKey(job, dedupeKey)));
  }

  /**
   * Deletes a job item and the delivery items of {@code dedupeKeys}: what {@code videohook smoke}
   * wrote through the receiver, removed once checked. No function calls it (none is granted
   * DeleteItem); a job that is not there is no error.
   */
  public void delete(JobKey job, Collection<String> dedupeKeys) {
    dynamoDb.deleteItem(b -> b.tableName(tableName).key(JobItems.key(job)));
    for (String dedupeKey : dedupeKeys) {
      dynamoDb.deleteItem(b -> b.tableName(tableName).key(JobItems.deliveryKey(job, dedupeKey)));
    }
  }

  /** The job's status as stored now (consistent read), if the job is known. */
  public Optional<JobStatus> status(JobKey job) {
    Expression projection = JobExpressions.statusOnly();
    return JobItems.status(
        dynamoDb
            .getItem(
                b ->
                    b.tableName(tableName)
                        .key(JobItems.key(job))
                        .consistentRead(true)
                        .projectionExpression(projection.text())
                        .expressionAttributeNames(projection.names()))
            .item());
  }

  /** A tenant's jobs, most recently updated first. */
  public List<Job> recentJobs(String tenant, int limit) {
    Expression keys = JobExpressions.tenantIs(tenant);
    return dynamoDb
        .query(onIndex(JobTable.BY_TENANT_INDEX, keys).scanIndexForward(false).limit(limit).build())
        .items()
        .stream()
        .flatMap(item -> JobItems.job(item).stream())
        .toList();
  }

  /**
   * A tenant's jobs last updated at or after {@code since}, most recent first: a Query on the
   * by-tenant index, every page.
   */
  public List<Job> jobsUpdatedSince(String tenant, Instant since) {
    Expression keys = JobExpressions.tenantUpdatedSince(tenant, since);
    List<Job> jobs = new ArrayList<>();
    dynamoDb
        .queryPaginator(onIndex(JobTable.BY_TENANT_INDEX, keys).scanIndexForward(false).build())
        .items()
        .forEach(item -> JobItems.job(item).ifPresent(jobs::add));
    return jobs;
  }

  /**
   * A tenant's jobs last updated at or after {@code since}, each handed to {@code each} as its page
   * arrives, with only what a cost report needs read (identity, status, model, usage): the tenant's
   * whole history is never held in memory, nor its prompts, URLs and raw events read.
   */
  public void forEachJobCost(String tenant, Instant since, Consumer<Job> each) {
    Expression keys = JobExpressions.tenantUpdatedSince(tenant, since);
    Expression fields = JobExpressions.costFields();
    dynamoDb
        .queryPaginator(
            onIndex(JobTable.BY_TENANT_INDEX, keys, fields)
                .projectionExpression(fields.text())
                .build())
        .items()
        .forEach(item -> JobItems.job(item).ifPresent(each));
  }

  /**
   * SnapStart priming: the requests a commit makes, on a key no item ever has, so that the first
   * delivery after a restore finds the SDK's request path (marshalling, signing, HTTP, parsing a
   * conditional failure with its old image) loaded and initialised. Writes nothing: a read, then a
   * conditional update whose condition cannot hold because the priming item never exists.
   */
  public void prime() {
    Map<String, AttributeValue> key = JobItems.primingKey();
    getItem(key);
    Update update = Update.set(JobItems.status(JobStatus.COMPLETED)).when(JobExpressions.present());
    try {
      dynamoDb.updateItem(update.request(tableName, key));
    } catch (ConditionalCheckFailedException expected) {
      // the priming item does not exist, so nothing was written: the path is warm
    }
  }

  /** A Query of {@code index} on {@code keys}, the rest left to the caller. */
  private QueryRequest.Builder onIndex(String index, Expression keys) {
    return onIndex(index, keys, null);
  }

  /**
   * As {@link #onIndex(String, Expression)}, with the placeholders of {@code more} (a filter or a
   * projection the caller adds), or none when null.
   */
  private QueryRequest.Builder onIndex(String index, Expression keys, Expression more) {
    Map<String, AttributeValue> values =
        more == null ? keys.values() : Expression.joined(keys.values(), more.values());
    return QueryRequest.builder()
        .tableName(tableName)
        .indexName(index)
        .keyConditionExpression(keys.text())
        .expressionAttributeNames(
            more == null ? keys.names() : Expression.joined(keys.names(), more.names()))
        .expressionAttributeValues(values.isEmpty() ? null : values);
  }

  private Map<String, AttributeValue> getItem(Map<String, AttributeValue> key) {
    return dynamoDb.getItem(b -> b.tableName(tableName).key(key).consistentRead(true)).item();
  }
}
