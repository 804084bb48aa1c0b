package dev.videohook.job;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The jobs table: one item per job and one per delivery, in a single table with a string key {@code
 * pk}. template.yaml declares the same shape; the local stack and the tests create it from here.
 */
public final class JobTable {
  // The table's shape, which template.yaml declares too: the key, the item types, the status the
  // stream filter reads, the index and the TTL attribute. Every other attribute name stays in this
  // package, behind JobItems.
  public static final String PK = "pk";
  public static final String ITEM_TYPE = "item_type";
  public static final String ITEM_TYPE_JOB = "job";
  public static final String ITEM_TYPE_DELIVERY = "delivery";

  /**
   * An owner item: which tenant submitted a provider's job id, keyed without the tenant ({@link
   * #ownerKey}), so that a delivery at any tenant's URL finds it. No {@code status} or {@code
   * updated_at}: in no index, matched by no stream filter.
   */
  public static final String ITEM_TYPE_OWNER = "owner";

  /** Every owner item's key starts so; template.yaml lets the receiver read these keys. */
  public static final String OWNER_KEY_PREFIX = "owner#";

  static final String JOB_ID = "job_id";
  public static final String TENANT = "tenant";
  static final String PROVIDER = "provider";
  public static final String STATUS = "status";
  static final String MODEL = "model";
  static final String PROMPT = "prompt";
  static final String GENERATION_ID = "generation_id";
  static final String UNSIGNED_URLS = "unsigned_urls";
  static final String USAGE_COST = "usage_cost";
  static final String USAGE_IS_BYOK = "usage_is_byok";
  static final String ERROR = "error";
  static final String EVENT_TYPE = "event_type";
  static final String EVENT_CREATED_AT = "event_created_at";
  static final String SUBMITTED_AT = "submitted_at";
  static final String TERMINAL_AT = "terminal_at";
  public static final String UPDATED_AT = "updated_at";
  static final String TERMINAL_DELIVERY = "terminal_delivery";

  static final String DEDUPE_KEY = "dedupe_key";
  static final String IDEMPOTENCY_HEADER = "idempotency_header";
  static final String EVENT_STATUS = "event_status";
  static final String RAW_EVENT = "raw_event";
  static final String RECEIVED_AT = "received_at";

  /** When the reconciler looks at a pending job again (ISO-8601 instant); absent: never looked. */
  static final String RECONCILE_NEXT_CHECK = "reconcile_next_check";

  /** Why the reconciler's last look did not settle a pending job. */
  static final String RECONCILE_LAST_OUTCOME = "reconcile_last_outcome";

  /**
   * When the provider's stored copy of a job's outputs stops being available (ISO-8601 instant),
   * from {@code data.expires_at}. Never {@link #EXPIRES_AT}: that is the table's TTL attribute, and
   * DynamoDB would delete a job item that carried it. Not projected into the indexes (their
   * projection cannot change on a deployed table): read from the item.
   */
  static final String OUTPUTS_EXPIRE_AT = "outputs_expire_at";

  /**
   * The provider's signed storage URLs ({@code data.urls}), the downloader's fallback when the
   * content proxy fails (list of strings). Not projected into the indexes, as above.
   */
  static final String SIGNED_URLS = "signed_urls";

  /** DynamoDB TTL attribute (epoch seconds) on delivery items. */
  public static final String EXPIRES_AT = "expires_at";

  /** Sparse index of job items by tenant, newest first when queried backwards. */
  public static final String BY_TENANT_INDEX = "by_tenant";

  /**
   * Sparse index of job items by status and last change (delivery items carry no {@code status}):
   * the reconciler's "pending since before" and the redrive's "download_failed" Queries.
   */
  public static final String BY_STATUS_INDEX = "by_status";

  /**
   * The stream records the downloader acts on: a job item's move into {@code completed}, inserted
   * so or modified from any other status; never a later update of a job that was already completed.
   * template.yaml declares the same patterns as the download function's FilterCriteria, and the
   * local stack applies them before invoking the handler. Built by {@link StreamFilters}.
   */
  public static final List<String> DOWNLOAD_FILTER_PATTERNS =
      StreamFilters.movesInto(List.of(JobStatus.COMPLETED));

  /**
   * The stream records the downstream-event publisher acts on: a job item's move into any state
   * that emits an event ({@link JobStatus#eventful()}), from no status or from any other one, so a
   * provider's {@code failed} that replaces the reconciler's {@code expired} is heard too; never a
   * later update that keeps the status. template.yaml declares the same patterns as the notify
   * function's FilterCriteria. Built by {@link StreamFilters}.
   */
  public static final List<String> NOTIFY_FILTER_PATTERNS =
      StreamFilters.movesInto(JobStatus.eventful());

  private JobTable() {}

  static String jobKey(JobKey job) {
    return "job#" + job.tenant() + "#" + job.provider().id() + "#" + job.jobId();
  }

  static String ownerKey(JobKey job) {
    return OWNER_KEY_PREFIX + job.provider().id() + "#" + job.jobId();
  }

  static String deliveryKey(JobKey job, String dedupeKey) {
    return "delivery#" + job.tenant() + "#" + job.provider().id() + "#" + dedupeKey;
  }

  /**
   * The key of the only item SnapStart priming reads: no job or delivery key starts with
   * "priming#", and template.yaml lets the receiver's GetItem reach this key alone.
   */
  public static final String PRIMING_KEY = "priming#snapstart";

  public static CreateTableRequest createTableRequest(String tableName) {
    return CreateTableRequest.builder()
        .tableName(tableName)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            attribute(PK), attribute(TENANT), attribute(STATUS), attribute(UPDATED_AT))
        .keySchema(KeySchemaElement.builder().attributeName(PK).keyType(KeyType.HASH).build())
        .globalSecondaryIndexes(index(BY_TENANT_INDEX, TENANT), index(BY_STATUS_INDEX, STATUS))
        .streamSpecification(
            StreamSpecification.builder()
                .streamEnabled(true)
                .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
                .build())
        .build();
  }

  /** An index on {@code hash} and {@link #UPDATED_AT}, projecting what a job read needs. */
  private static GlobalSecondaryIndex index(String name, String hash) {
    return GlobalSecondaryIndex.builder()
        .indexName(name)
        .keySchema(
            KeySchemaElement.builder().attributeName(hash).keyType(KeyType.HASH).build(),
            KeySchemaElement.builder().attributeName(UPDATED_AT).keyType(KeyType.RANGE).build())
        .projection(
            Projection.builder()
                .projectionType(ProjectionType.INCLUDE)
                .nonKeyAttributes(projected(hash))
                .build())
        .build();
  }

  private static AttributeDefinition attribute(String name) {
    return AttributeDefinition.builder()
        .attributeName(name)
        .attributeType(ScalarAttributeType.S)
        .build();
  }

  // --- set by the downloader on a job item ---

  /** The S3 bucket that holds the job's videos. */
  static final String BUCKET = "bucket";

  /** One S3 key per source, in source order (list of strings). */
  static final String OBJECT_KEYS = "object_keys";

  /** Bytes stored per object, in the order of {@link #OBJECT_KEYS} (list of numbers). */
  static final String OBJECT_SIZES = "object_sizes";

  /** Hex SHA-256 of each object, in the order of {@link #OBJECT_KEYS} (list of strings). */
  static final String OBJECT_SHA256S = "object_sha256s";

  /** Content type of each object, in the order of {@link #OBJECT_KEYS} (list of strings). */
  static final String CONTENT_TYPES = "content_types";

  /**
   * Where each object came from ({@link StoredObject.Source}), in the order of {@link #OBJECT_KEYS}
   * (list of strings). Not projected into the indexes.
   */
  static final String OBJECT_SOURCES = "object_sources";

  /** When the job became {@code stored} (ISO-8601 instant). */
  static final String STORED_AT = "stored_at";

  /** Why the latest download attempt failed; never holds a secret or a query string. */
  static final String LAST_DOWNLOAD_ERROR = "last_download_error";

  /** Failed download invocations so far (number). */
  static final String DOWNLOAD_ATTEMPTS = "download_attempts";

  // The download lease (JobStore#claimDownload): who is downloading the job now, and until when.
  // Neither is projected into an index (JOB_ATTRIBUTES), so taking or releasing a lease writes no
  // index entry; neither is a status, so no stream filter matches a lease write.

  /** The lease holder's token (a random UUID per claim); absent: no download is running. */
  static final String DOWNLOAD_LEASE_OWNER = "download_lease_owner";

  /**
   * When the lease ends (epoch milliseconds, a number: ISO-8601 strings with and without fractions
   * of a second do not compare in time order); past it, another download may take the job over.
   */
  static final String DOWNLOAD_LEASE_EXPIRES = "download_lease_expires";

  /**
   * What a job read from an index holds: every attribute {@link JobItems#job} reads, less the
   * table's and the index's keys (always projected). Not the raw event or the idempotency header,
   * which only {@link JobStore#terminalDelivery} reads, from the table: an index entry stays far
   * smaller than its item, and so do the write units of every index write.
   */
  public static final List<String> JOB_ATTRIBUTES =
      List.of(
          ITEM_TYPE,
          JOB_ID,
          PROVIDER,
          TENANT,
          STATUS,
          MODEL,
          PROMPT,
          GENERATION_ID,
          UNSIGNED_URLS,
          USAGE_COST,
          USAGE_IS_BYOK,
          ERROR,
          EVENT_TYPE,
          EVENT_CREATED_AT,
          TERMINAL_DELIVERY,
          SUBMITTED_AT,
          TERMINAL_AT,
          BUCKET,
          OBJECT_KEYS,
          OBJECT_SIZES,
          OBJECT_SHA256S,
          CONTENT_TYPES,
          STORED_AT,
          LAST_DOWNLOAD_ERROR,
          DOWNLOAD_ATTEMPTS,
          RECONCILE_NEXT_CHECK,
          RECONCILE_LAST_OUTCOME);

  /** The non-key attributes an index on {@code hash} and {@link #UPDATED_AT} projects. */
  public static List<String> projected(String hash) {
    return JOB_ATTRIBUTES.stream().filter(a -> !a.equals(hash)).toList();
  }
}
