package dev.videohook.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Every read and write of the jobs table, one method per state transition:
 *
 * <ul>
 *   <li>{@link #recordSubmitted}: a job just submitted becomes {@code pending};
 *   <li>{@link #recordDelivery}: the receiver's commit point, a terminal event (once per dedupe
 *       key; a terminal state is final);
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
 * for a delivery to take effect. Items are translated by {@link JobItems} only.
 */
public final class JobStore {
  private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);

  public static final Duration DEFAULT_DELIVERY_TTL = Duration.ofDays(30);

  /**
   * The IAM actions {@link #recordDelivery} and {@link #recordUnknownEvent} call: the commit is one
   * UpdateItem of the job item; a late terminal event or an unknown event type is one PutItem of a
   * delivery item.
   */
  public static final Set<String> RECORD_ACTIONS =
      Set.of("dynamodb:PutItem", "dynamodb:UpdateItem");

  /** The IAM actions {@link #find} and {@link #recentJobs} need (the latter on the index). */
  public static final Set<String> READ_ACTIONS = Set.of("dynamodb:GetItem", "dynamodb:Query");

  /** The IAM actions the downloader's transitions need ({@link #status} and the two updates). */
  public static final Set<String> DOWNLOAD_ACTIONS =
      Set.of("dynamodb:GetItem", "dynamodb:UpdateItem");

  /**
   * The IAM actions the reconciler needs: {@link #pendingUpdatedBefore} (a Query on {@link
   * JobTable#BY_STATUS_INDEX}), {@link #recordDelivery} and {@link #expirePending}.
   */
  public static final Set<String> RECONCILE_ACTIONS = reconcileActions();

  /** What {@link #prime} calls; template.yaml grants it on {@link JobTable#PRIMING_KEY} only. */
  public static final Set<String> PRIMING_ACTIONS = Set.of("dynamodb:GetItem");

  private static final String VALIDATION_EXCEPTION = "ValidationException";

  /** Dedupe keys of unknown event types; no {@code {id}-{status}} key can start so. */
  static final String UNKNOWN_EVENT_KEY_PREFIX = "unknown-type-sha256-";

  private static final int MAX_ERROR_LENGTH = 1000;

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

  // --- transitions ---

  /**
   * Commits a verified delivery exactly once, with ONE conditional write: an UpdateItem of the job
   * item that sets its terminal state, the delivery's dedupe key ({@code terminal_delivery}) and
   * the raw event, on condition that the job is new or still {@code pending}. When the condition
   * fails, the old item (returned with the failure) tells the two cases apart: the same dedupe key
   * is a duplicate; another one is a late terminal event, kept as a delivery item for audit (the
   * only path that writes a second item) while the job's terminal state stays final.
   *
   * @throws UnstorableDeliveryException when DynamoDB refuses the values themselves (a
   *     ValidationException): the event is bad, retrying it cannot help
   * @throws software.amazon.awssdk.core.exception.SdkException when DynamoDB fails; the caller must
   *     not acknowledge the delivery
   */
  public RecordOutcome recordDelivery(Delivery delivery) {
    Map<String, AttributeValue> sets =
        new HashMap<>(JobItems.terminalAttributes(delivery.reportedJob()));
    sets.putAll(JobItems.firstDeliveryAttributes(delivery));
    Expression terminal = Expression.set(sets);
    UpdateItemRequest commit =
        UpdateItemRequest.builder()
            .tableName(tableName)
            .key(key(delivery.jobKey()))
            .updateExpression(terminal.text())
            // a terminal state is final: only a job we have never seen or one still pending moves
            .conditionExpression("attribute_not_exists(#pk) OR #status = :pending")
            .expressionAttributeNames(
                terminal.withNames(Map.of("#pk", JobTable.PK, "#status", JobTable.STATUS)))
            .expressionAttributeValues(
                terminal.withValues(Map.of(":pending", JobItems.s(JobStatus.PENDING.value()))))
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
            .build();
    Map<String, AttributeValue> item = new HashMap<>(commit.key());
    item.putAll(sets);
    if (ItemSize.of(item) > ItemSize.MAX_BYTES) {
      // refused before the write: nothing of it may reach the table or its stream
      throw new UnstorableDeliveryException(delivery.jobKey(), ItemSize.of(item));
    }
    try {
      dynamoDb.updateItem(commit);
      return RecordOutcome.RECORDED;
    } catch (ConditionalCheckFailedException e) {
      if (delivery.dedupeKey().equals(JobItems.terminalDeliveryKey(e.item()))) {
        return RecordOutcome.DUPLICATE;
      }
      RecordOutcome kept = putDeliveryIfNew(JobItems.toItem(delivery.record(deliveryTtl)));
      return kept == RecordOutcome.RECORDED ? RecordOutcome.JOB_ALREADY_TERMINAL : kept;
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
        new DeliveryRecord(
            job,
            UNKNOWN_EVENT_KEY_PREFIX + sha256Hex(rawBody),
            type,
            rawBody,
            idempotencyHeader,
            receivedAt,
            receivedAt.plus(deliveryTtl));
    try {
      return putDeliveryIfNew(JobItems.toItem(record));
    } catch (DynamoDbException e) {
      throw unstorableOrSame(e, job);
    }
  }

  /** Puts a delivery item unless its key exists: RECORDED, or DUPLICATE when it exists. */
  private RecordOutcome putDeliveryIfNew(Map<String, AttributeValue> item) {
    try {
      dynamoDb.putItem(
          PutItemRequest.builder()
              .tableName(tableName)
              .item(item)
              .conditionExpression("attribute_not_exists(#pk)")
              .expressionAttributeNames(Map.of("#pk", JobTable.PK))
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

  private static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Records a job just submitted to the provider as {@code pending}, so that the receiver and the
   * operators know it. If its webhook has already arrived (a fast job), the terminal state stays
   * and only the submit details are added.
   */
  public void recordSubmitted(JobKey job, String model, String prompt, Instant submittedAt) {
    Job submitted =
        new Job(
            job,
            JobStatus.PENDING,
            model,
            prompt,
            null,
            List.of(),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            new Job.Times(submittedAt, null, null, submittedAt));
    Map<String, AttributeValue> identity = JobItems.terminalAttributes(submitted);
    Map<String, AttributeValue> sets = new HashMap<>();
    for (String name :
        List.of(JobTable.ITEM_TYPE, JobTable.TENANT, JobTable.PROVIDER, JobTable.JOB_ID)) {
      sets.put(name, identity.get(name));
    }
    sets.put(JobTable.MODEL, JobItems.s(model));
    sets.put(JobTable.PROMPT, JobItems.s(prompt));
    sets.put(JobTable.SUBMITTED_AT, JobItems.s(submittedAt.toString()));
    Map<String, AttributeValue> ifAbsent = new HashMap<>();
    ifAbsent.put(JobTable.STATUS, identity.get(JobTable.STATUS));
    ifAbsent.put(JobTable.UPDATED_AT, identity.get(JobTable.UPDATED_AT));
    Expression update = Expression.set(sets).setIfNotExists(ifAbsent);
    dynamoDb.updateItem(
        UpdateItemRequest.builder()
            .tableName(tableName)
            .key(key(job))
            .updateExpression(update.text())
            .expressionAttributeNames(update.withNames(Map.of()))
            .expressionAttributeValues(update.withValues(Map.of()))
            .build());
  }

  /**
   * The downloader's success: a job still waiting for its video ({@code completed}, or {@code
   * download_failed} when an operator re-drives it) becomes {@code stored}, with where its videos
   * are. This update does not match the "newly completed" stream filter, so it triggers nothing.
   */
  public StoreOutcome markStored(
      JobKey job, String bucket, List<StoredObject> objects, Instant at) {
    Map<String, AttributeValue> sets =
        new HashMap<>(JobItems.storedAttributes(new Job.StoredVideos(bucket, objects), at));
    sets.put(JobTable.STATUS, JobItems.s(JobStatus.STORED.value()));
    sets.put(JobTable.UPDATED_AT, JobItems.s(at.toString()));
    Expression update = Expression.set(sets);
    try {
      dynamoDb.updateItem(
          UpdateItemRequest.builder()
              .tableName(tableName)
              .key(key(job))
              .updateExpression(update.text())
              .conditionExpression("#status IN (:completed, :download_failed)")
              .expressionAttributeNames(update.withNames(Map.of("#status", JobTable.STATUS)))
              .expressionAttributeValues(update.withValues(waitingForVideo()))
              .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
              .build());
      return StoreOutcome.STORED;
    } catch (ConditionalCheckFailedException e) {
      boolean stored =
          JobItems.job(e.item()).map(old -> old.status() == JobStatus.STORED).orElse(false);
      return stored ? StoreOutcome.ALREADY_STORED : StoreOutcome.NOT_COMPLETED;
    }
  }

  /**
   * Notes a failed download attempt on a job still waiting for its video; once {@code
   * giveUpAfterAttempts} attempts have failed, the job is marked {@code download_failed}. A job in
   * any other state is left alone.
   *
   * @param error why it failed: never a secret or a query string
   */
  public void recordDownloadFailure(JobKey job, String error, Instant at, int giveUpAfterAttempts) {
    if (!noteDownloadFailure(job, error, at, false)) {
      return; // stored meanwhile, or gone: nothing more to note
    }
    try {
      // a second write, after the count: the give-up mark must see the attempt just counted
      dynamoDb.updateItem(
          UpdateItemRequest.builder()
              .tableName(tableName)
              .key(key(job))
              .updateExpression("SET #status = :download_failed")
              .conditionExpression("#status = :completed AND #attempts >= :limit")
              .expressionAttributeNames(
                  Map.of("#status", JobTable.STATUS, "#attempts", JobTable.DOWNLOAD_ATTEMPTS))
              .expressionAttributeValues(
                  with(
                      waitingForVideo(),
                      Map.of(":limit", JobItems.n(Integer.toString(giveUpAfterAttempts)))))
              .build());
    } catch (ConditionalCheckFailedException attemptsLeft) {
      // not the last attempt yet
    }
  }

  /**
   * Counts a failed attempt and notes its reason on a job still waiting for its video ({@code
   * completed}, or {@code download_failed} on a redrive), marking it {@code download_failed} too
   * when {@code giveUpNow}.
   *
   * @return false when the job is not waiting for its video (stored meanwhile, another state, gone)
   */
  private boolean noteDownloadFailure(JobKey job, String error, Instant at, boolean giveUpNow) {
    String set = "SET #error = :error, #updatedAt = :at";
    try {
      dynamoDb.updateItem(
          UpdateItemRequest.builder()
              .tableName(tableName)
              .key(key(job))
              .updateExpression(
                  (giveUpNow ? set + ", #status = :download_failed" : set) + " ADD #attempts :one")
              .conditionExpression("#status IN (:completed, :download_failed)")
              .expressionAttributeNames(
                  Map.of(
                      "#error", JobTable.LAST_DOWNLOAD_ERROR,
                      "#attempts", JobTable.DOWNLOAD_ATTEMPTS,
                      "#updatedAt", JobTable.UPDATED_AT,
                      "#status", JobTable.STATUS))
              .expressionAttributeValues(
                  with(
                      waitingForVideo(),
                      Map.of(
                          ":error", JobItems.s(bounded(error, "unknown error")),
                          ":at", JobItems.s(at.toString()),
                          ":one", JobItems.n("1"))))
              .build());
      return true;
    } catch (ConditionalCheckFailedException notWaiting) {
      return false;
    }
  }

  /** A reason as stored: a default for none, cut to {@value #MAX_ERROR_LENGTH} characters. */
  private static String bounded(String reason, String fallback) {
    String text = reason == null ? fallback : reason;
    return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text;
  }

  /**
   * The reconciler's last word on a job the provider never finished: a job still {@code pending}
   * becomes {@code expired}, with the reason as its error. Conditional on the job being pending
   * still, so a webhook or another reconciler run that got there first wins.
   *
   * @return true if the job was moved, false if it was not pending (or is gone)
   */
  public boolean expirePending(JobKey job, String reason, Instant at) {
    String message = bounded(reason, "expired");
    try {
      dynamoDb.updateItem(
          UpdateItemRequest.builder()
              .tableName(tableName)
              .key(key(job))
              .updateExpression(
                  "SET #status = :expired, #error = :error, #terminalAt = :at, #updatedAt = :at")
              .conditionExpression("#status = :pending")
              .expressionAttributeNames(
                  Map.of(
                      "#status", JobTable.STATUS,
                      "#error", JobTable.ERROR,
                      "#terminalAt", JobTable.TERMINAL_AT,
                      "#updatedAt", JobTable.UPDATED_AT))
              .expressionAttributeValues(
                  Map.of(
                      ":expired", JobItems.s(JobStatus.EXPIRED.value()),
                      ":pending", JobItems.s(JobStatus.PENDING.value()),
                      ":error", JobItems.s(message),
                      ":at", JobItems.s(at.toString())))
              .build());
      return true;
    } catch (ConditionalCheckFailedException notPending) {
      return false;
    }
  }

  /**
   * Marks a job {@code download_failed} at once, with {@code reason}: for a source that must never
   * be fetched, where retrying cannot help. Counts the attempt like {@link #recordDownloadFailure}.
   *
   * @return true when the job was marked; false when it is not waiting for its video (stored
   *     meanwhile, not completed, or gone)
   */
  public boolean markDownloadFailed(JobKey job, String reason, Instant at) {
    return noteDownloadFailure(job, reason, at, true);
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
   * Jobs in {@code status} whose last change was before {@code before}, oldest first (a Query on
   * {@link JobTable#BY_STATUS_INDEX}).
   *
   * @param cursor where the previous page stopped, or null for the first page
   */
  public JobPage jobsInStatus(JobStatus status, Instant before, int limit, JobPage.Cursor cursor) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    QueryResponse response =
        dynamoDb.query(
            b ->
                b.tableName(tableName)
                    .indexName(JobTable.BY_STATUS_INDEX)
                    .keyConditionExpression("#status = :status AND #updatedAt < :before")
                    .expressionAttributeNames(
                        Map.of("#status", JobTable.STATUS, "#updatedAt", JobTable.UPDATED_AT))
                    .expressionAttributeValues(
                        Map.of(
                            ":status", JobItems.s(status.value()),
                            ":before", JobItems.s(before.toString())))
                    .scanIndexForward(true)
                    .limit(limit)
                    .exclusiveStartKey(cursor == null ? null : cursor.lastKey));
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
    return JobItems.job(getItem(key(job)));
  }

  /**
   * The delivery that set a job's terminal state, as the job item keeps it (raw event included; it
   * does not expire with the delivery items).
   */
  public Optional<DeliveryRecord> terminalDelivery(JobKey job) {
    return JobItems.terminalDelivery(getItem(key(job)));
  }

  /**
   * A delivery item: a late terminal event or an unknown event type, while DynamoDB's TTL has not
   * removed it. A job's first terminal delivery is on the job item ({@link #terminalDelivery}).
   */
  public Optional<DeliveryRecord> findDelivery(JobKey job, String dedupeKey) {
    return JobItems.delivery(
        getItem(Map.of(JobTable.PK, JobItems.s(JobTable.deliveryKey(job, dedupeKey)))));
  }

  /** The job's status as stored now (consistent read), if the job is known. */
  public Optional<JobStatus> status(JobKey job) {
    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                b ->
                    b.tableName(tableName)
                        .key(key(job))
                        .consistentRead(true)
                        .projectionExpression("#status")
                        .expressionAttributeNames(Map.of("#status", JobTable.STATUS)))
            .item();
    AttributeValue status = item == null ? null : item.get(JobTable.STATUS);
    return status == null ? Optional.empty() : JobStatus.fromValue(status.s());
  }

  /** A tenant's jobs, most recently updated first. */
  public List<Job> recentJobs(String tenant, int limit) {
    return dynamoDb
        .query(
            b ->
                b.tableName(tableName)
                    .indexName(JobTable.BY_TENANT_INDEX)
                    .keyConditionExpression("#tenant = :tenant")
                    .expressionAttributeNames(Map.of("#tenant", JobTable.TENANT))
                    .expressionAttributeValues(Map.of(":tenant", JobItems.s(tenant)))
                    .scanIndexForward(false)
                    .limit(limit))
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
    List<Job> jobs = new ArrayList<>();
    dynamoDb
        .queryPaginator(
            b ->
                b.tableName(tableName)
                    .indexName(JobTable.BY_TENANT_INDEX)
                    .keyConditionExpression("#tenant = :tenant AND #updatedAt >= :since")
                    .expressionAttributeNames(
                        Map.of("#tenant", JobTable.TENANT, "#updatedAt", JobTable.UPDATED_AT))
                    .expressionAttributeValues(
                        Map.of(
                            ":tenant", JobItems.s(tenant), ":since", JobItems.s(since.toString())))
                    .scanIndexForward(false))
        .items()
        .forEach(item -> JobItems.job(item).ifPresent(jobs::add));
    return jobs;
  }

  /**
   * Every job in the table, most recently updated first: a Scan, for the local stack and small
   * tables only (no function is granted it).
   */
  public List<Job> allJobs() {
    List<Job> jobs = new ArrayList<>();
    dynamoDb
        .scanPaginator(b -> b.tableName(tableName).consistentRead(true))
        .items()
        .forEach(item -> JobItems.job(item).ifPresent(jobs::add));
    jobs.sort(
        (a, b) ->
            String.valueOf(b.times().updatedAt()).compareTo(String.valueOf(a.times().updatedAt())));
    return jobs;
  }

  /**
   * SnapStart priming: the requests a commit makes, on a key no item ever has, so that the first
   * delivery after a restore finds the SDK's request path (marshalling, signing, HTTP, parsing a
   * conditional failure with its old image) loaded and initialised. Writes nothing: a read, then a
   * conditional update whose condition cannot hold because the priming item never exists.
   */
  public void prime() {
    Map<String, AttributeValue> key = Map.of(JobTable.PK, JobItems.s(JobTable.PRIMING_KEY));
    getItem(key);
    try {
      dynamoDb.updateItem(
          UpdateItemRequest.builder()
              .tableName(tableName)
              .key(key)
              .updateExpression("SET #status = :status")
              .conditionExpression("attribute_exists(#pk)")
              .expressionAttributeNames(Map.of("#pk", JobTable.PK, "#status", JobTable.STATUS))
              .expressionAttributeValues(Map.of(":status", JobItems.s(JobStatus.COMPLETED.value())))
              .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
              .build());
    } catch (ConditionalCheckFailedException expected) {
      // the priming item does not exist, so nothing was written: the path is warm
    }
  }

  // --- helpers ---

  private static Set<String> reconcileActions() {
    Set<String> actions = new HashSet<>(RECORD_ACTIONS);
    actions.add("dynamodb:Query");
    actions.add("dynamodb:UpdateItem");
    return Set.copyOf(actions);
  }

  private Map<String, AttributeValue> getItem(Map<String, AttributeValue> key) {
    return dynamoDb.getItem(b -> b.tableName(tableName).key(key).consistentRead(true)).item();
  }

  private static Map<String, AttributeValue> key(JobKey job) {
    return Map.of(JobTable.PK, JobItems.s(JobTable.jobKey(job)));
  }

  private static Map<String, AttributeValue> waitingForVideo() {
    return Map.of(
        ":completed", JobItems.s(JobStatus.COMPLETED.value()),
        ":download_failed", JobItems.s(JobStatus.DOWNLOAD_FAILED.value()));
  }

  private static Map<String, AttributeValue> with(
      Map<String, AttributeValue> a, Map<String, AttributeValue> b) {
    Map<String, AttributeValue> all = new HashMap<>(a);
    all.putAll(b);
    return all;
  }

  /**
   * An update expression that sets attributes from a map, with placeholders for every name and
   * value, so that no attribute name has to be spelled in an expression.
   */
  private record Expression(
      String text, Map<String, String> names, Map<String, AttributeValue> values) {
    static Expression set(Map<String, AttributeValue> attributes) {
      return new Expression("", Map.of(), Map.of()).add(attributes, false);
    }

    Expression setIfNotExists(Map<String, AttributeValue> attributes) {
      return add(attributes, true);
    }

    private Expression add(Map<String, AttributeValue> attributes, boolean ifNotExists) {
      Map<String, String> allNames = new HashMap<>(names);
      Map<String, AttributeValue> allValues = new HashMap<>(values);
      List<String> clauses = new ArrayList<>();
      for (Map.Entry<String, AttributeValue> attribute : attributes.entrySet()) {
        int i = allNames.size();
        allNames.put("#a" + i, attribute.getKey());
        allValues.put(":a" + i, attribute.getValue());
        clauses.add(
            ifNotExists
                ? "#a" + i + " = if_not_exists(#a" + i + ", :a" + i + ")"
                : "#a" + i + " = :a" + i);
      }
      String joined = String.join(", ", clauses);
      String all = text.isEmpty() ? "SET " + joined : text + ", " + joined;
      return new Expression(all, allNames, allValues);
    }

    Map<String, String> withNames(Map<String, String> more) {
      Map<String, String> all = new HashMap<>(names);
      all.putAll(more);
      return all;
    }

    Map<String, AttributeValue> withValues(Map<String, AttributeValue> more) {
      Map<String, AttributeValue> all = new HashMap<>(values);
      all.putAll(more);
      return all;
    }
  }
}
