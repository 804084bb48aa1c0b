package dev.videohook.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The receiver's commit point. A delivery is committed by ONE DynamoDB transaction that puts the
 * delivery item (conditional on its dedupe key being new) and moves the job item to its terminal
 * state (conditional on the job not being terminal yet). The table's stream drives everything
 * downstream, so nothing else has to be written for the delivery to take effect.
 */
public final class JobStore {
  private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);

  public static final Duration DEFAULT_DELIVERY_TTL = Duration.ofDays(30);

  /**
   * The IAM actions {@link #record} needs: IAM authorizes each item of a TransactWriteItems call by
   * its own action (the delivery Put and the job Update), and a late delivery is one PutItem.
   */
  public static final Set<String> RECORD_ACTIONS =
      Set.of("dynamodb:PutItem", "dynamodb:UpdateItem");

  /** The IAM actions {@link #findJob} and {@link #recentJobs} need (the latter on the index). */
  public static final Set<String> READ_ACTIONS = Set.of("dynamodb:GetItem", "dynamodb:Query");

  private static final String CONDITION_FAILED = "ConditionalCheckFailed";
  private static final String TRANSACTION_CONFLICT = "TransactionConflict";
  private static final int CONFLICT_ATTEMPTS = 6;

  private final DynamoDbClient dynamoDb;
  private final String tableName;
  private final Duration deliveryTtl;

  public JobStore(DynamoDbClient dynamoDb, String tableName, Duration deliveryTtl) {
    this.dynamoDb = dynamoDb;
    this.tableName = tableName;
    this.deliveryTtl = deliveryTtl;
  }

  public String tableName() {
    return tableName;
  }

  /**
   * Commits a verified delivery exactly once.
   *
   * @throws software.amazon.awssdk.core.exception.SdkException when DynamoDB fails; the caller must
   *     not acknowledge the delivery
   */
  public RecordOutcome record(Delivery delivery) {
    Put deliveryPut = deliveryPut(delivery);
    Update jobUpdate = terminalJobUpdate(delivery);
    TransactWriteItemsRequest request =
        TransactWriteItemsRequest.builder()
            .transactItems(
                TransactWriteItem.builder().put(deliveryPut).build(),
                TransactWriteItem.builder().update(jobUpdate).build())
            .build();
    for (int attempt = 1; ; attempt++) {
      try {
        dynamoDb.transactWriteItems(request);
        return RecordOutcome.RECORDED;
      } catch (TransactionCanceledException e) {
        List<CancellationReason> reasons = e.cancellationReasons();
        if (reasonCode(reasons, 0).equals(CONDITION_FAILED)) {
          return RecordOutcome.DUPLICATE;
        }
        if (reasonCode(reasons, 1).equals(CONDITION_FAILED)) {
          return recordDeliveryOnly(deliveryPut);
        }
        boolean conflict = reasons.stream().anyMatch(r -> TRANSACTION_CONFLICT.equals(r.code()));
        if (!conflict || attempt == CONFLICT_ATTEMPTS) {
          throw e;
        }
        // another delivery of the same job is committing right now: once it has, ours is either
        // a duplicate or a late terminal event, which the next attempt will tell
        pause(attempt);
      }
    }
  }

  /** The job's terminal state is final: keep the late delivery for audit, leave the job alone. */
  private RecordOutcome recordDeliveryOnly(Put deliveryPut) {
    try {
      dynamoDb.putItem(
          PutItemRequest.builder()
              .tableName(deliveryPut.tableName())
              .item(deliveryPut.item())
              .conditionExpression(deliveryPut.conditionExpression())
              .expressionAttributeNames(deliveryPut.expressionAttributeNames())
              .build());
      return RecordOutcome.JOB_ALREADY_TERMINAL;
    } catch (ConditionalCheckFailedException duplicate) {
      return RecordOutcome.DUPLICATE;
    }
  }

  private Put deliveryPut(Delivery delivery) {
    String provider = delivery.provider().id();
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(
        JobTable.PK, s(JobTable.deliveryKey(delivery.tenant(), provider, delivery.dedupeKey())));
    item.put(JobTable.ITEM_TYPE, s(JobTable.ITEM_TYPE_DELIVERY));
    item.put(JobTable.TENANT, s(delivery.tenant()));
    item.put(JobTable.PROVIDER, s(provider));
    item.put(JobTable.JOB_ID, s(delivery.event().jobId()));
    item.put(JobTable.DEDUPE_KEY, s(delivery.dedupeKey()));
    item.put(JobTable.EVENT_STATUS, s(delivery.event().status().value()));
    item.put(JobTable.RAW_EVENT, s(delivery.rawBody()));
    item.put(JobTable.RECEIVED_AT, s(delivery.receivedAt().toString()));
    item.put(
        JobTable.EXPIRES_AT,
        n(Long.toString(delivery.receivedAt().plus(deliveryTtl).getEpochSecond())));
    if (delivery.idempotencyHeader() != null) {
      item.put(JobTable.IDEMPOTENCY_HEADER, s(delivery.idempotencyHeader()));
    }
    return Put.builder()
        .tableName(tableName)
        .item(item)
        .conditionExpression("attribute_not_exists(#pk)")
        .expressionAttributeNames(Map.of("#pk", JobTable.PK))
        .build();
  }

  private Update terminalJobUpdate(Delivery delivery) {
    var event = delivery.event();
    String provider = delivery.provider().id();
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> sets = new ArrayList<>();
    Map<String, AttributeValue> fields = new HashMap<>();
    fields.put(JobTable.ITEM_TYPE, s(JobTable.ITEM_TYPE_JOB));
    fields.put(JobTable.TENANT, s(delivery.tenant()));
    fields.put(JobTable.PROVIDER, s(provider));
    fields.put(JobTable.JOB_ID, s(event.jobId()));
    fields.put(JobTable.STATUS, s(event.status().value()));
    fields.put(JobTable.EVENT_TYPE, s(event.type().wireName()));
    fields.put(
        JobTable.UNSIGNED_URLS,
        AttributeValue.builder()
            .l(event.unsignedUrls().stream().map(JobStore::s).toList())
            .build());
    fields.put(JobTable.TERMINAL_AT, s(delivery.receivedAt().toString()));
    fields.put(JobTable.UPDATED_AT, s(delivery.receivedAt().toString()));
    fields.put(JobTable.TERMINAL_DELIVERY, s(delivery.dedupeKey()));
    putIfPresent(fields, JobTable.EVENT_CREATED_AT, event.createdAt());
    putIfPresent(fields, JobTable.GENERATION_ID, event.generationId());
    putIfPresent(fields, JobTable.MODEL, event.model());
    putIfPresent(fields, JobTable.ERROR, event.error());
    if (event.cost() != null) {
      fields.put(JobTable.USAGE_COST, n(event.cost().toPlainString()));
    }
    if (event.byok() != null) {
      fields.put(JobTable.USAGE_IS_BYOK, AttributeValue.builder().bool(event.byok()).build());
    }
    int i = 0;
    for (Map.Entry<String, AttributeValue> field : fields.entrySet()) {
      names.put("#f" + i, field.getKey());
      values.put(":f" + i, field.getValue());
      sets.add("#f" + i + " = :f" + i);
      i++;
    }
    names.put("#pk", JobTable.PK);
    names.put("#status", JobTable.STATUS);
    values.put(":pending", s(JobStatus.PENDING.value()));
    return Update.builder()
        .tableName(tableName)
        .key(Map.of(JobTable.PK, s(JobTable.jobKey(delivery.tenant(), provider, event.jobId()))))
        .updateExpression("SET " + String.join(", ", sets))
        // a terminal state is final: only a job we have never seen or one still pending moves
        .conditionExpression("attribute_not_exists(#pk) OR #status = :pending")
        .expressionAttributeNames(names)
        .expressionAttributeValues(values)
        .build();
  }

  /**
   * Records a job just submitted to the provider as {@code pending}, so that the receiver and the
   * operators know it. If its webhook has already arrived (a fast job), the terminal state stays
   * and only the submit details are added.
   */
  public void recordSubmitted(
      String tenant,
      String provider,
      String jobId,
      String model,
      String prompt,
      java.time.Instant submittedAt) {
    String now = submittedAt.toString();
    dynamoDb.updateItem(
        b ->
            b.tableName(tableName)
                .key(Map.of(JobTable.PK, s(JobTable.jobKey(tenant, provider, jobId))))
                .updateExpression(
                    "SET #type = :job, #tenant = :tenant, #provider = :provider, #id = :id, #model = :model,"
                        + " #prompt = :prompt, #submitted = :now,"
                        + " #status = if_not_exists(#status, :pending), #updated = if_not_exists(#updated, :now)")
                .expressionAttributeNames(
                    Map.of(
                        "#type", JobTable.ITEM_TYPE,
                        "#tenant", JobTable.TENANT,
                        "#provider", JobTable.PROVIDER,
                        "#id", JobTable.JOB_ID,
                        "#model", JobTable.MODEL,
                        "#prompt", JobTable.PROMPT,
                        "#submitted", JobTable.SUBMITTED_AT,
                        "#status", JobTable.STATUS,
                        "#updated", JobTable.UPDATED_AT))
                .expressionAttributeValues(
                    Map.of(
                        ":job", s(JobTable.ITEM_TYPE_JOB),
                        ":tenant", s(tenant),
                        ":provider", s(provider),
                        ":id", s(jobId),
                        ":model", s(model),
                        ":prompt", s(prompt),
                        ":now", s(now),
                        ":pending", s(JobStatus.PENDING.value()))));
  }

  /** The job item as stored, by tenant, provider and provider job id. */
  public Optional<Map<String, AttributeValue>> findJob(
      String tenant, String provider, String jobId) {
    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                GetItemRequest.builder()
                    .tableName(tableName)
                    .key(Map.of(JobTable.PK, s(JobTable.jobKey(tenant, provider, jobId))))
                    .consistentRead(true)
                    .build())
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  /** A tenant's jobs, most recently updated first. */
  public List<Map<String, AttributeValue>> recentJobs(String tenant, int limit) {
    return dynamoDb
        .query(
            QueryRequest.builder()
                .tableName(tableName)
                .indexName(JobTable.BY_TENANT_INDEX)
                .keyConditionExpression("#tenant = :tenant")
                .expressionAttributeNames(Map.of("#tenant", JobTable.TENANT))
                .expressionAttributeValues(Map.of(":tenant", s(tenant)))
                .scanIndexForward(false)
                .limit(limit)
                .build())
        .items();
  }

  private static String reasonCode(List<CancellationReason> reasons, int index) {
    if (reasons == null || reasons.size() <= index || reasons.get(index).code() == null) {
      return "";
    }
    return reasons.get(index).code();
  }

  private static void pause(int attempt) {
    long bound = 20L << Math.min(attempt, 5);
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(bound / 2, bound));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while committing a delivery", e);
    }
    LOG.debug("retrying a delivery after a transaction conflict, attempt {}", attempt + 1);
  }

  private static void putIfPresent(Map<String, AttributeValue> fields, String name, String value) {
    if (value != null) {
      fields.put(name, s(value));
    }
  }

  static AttributeValue s(String value) {
    return AttributeValue.builder().s(value).build();
  }

  static AttributeValue n(String value) {
    return AttributeValue.builder().n(value).build();
  }
}
