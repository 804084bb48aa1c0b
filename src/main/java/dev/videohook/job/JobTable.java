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
  public static final String PK = "pk";
  public static final String ITEM_TYPE = "item_type";
  public static final String ITEM_TYPE_JOB = "job";
  public static final String ITEM_TYPE_DELIVERY = "delivery";

  public static final String JOB_ID = "job_id";
  public static final String TENANT = "tenant";
  public static final String PROVIDER = "provider";
  public static final String STATUS = "status";
  public static final String MODEL = "model";
  public static final String PROMPT = "prompt";
  public static final String GENERATION_ID = "generation_id";
  public static final String UNSIGNED_URLS = "unsigned_urls";
  public static final String USAGE_COST = "usage_cost";
  public static final String USAGE_IS_BYOK = "usage_is_byok";
  public static final String ERROR = "error";
  public static final String EVENT_TYPE = "event_type";
  public static final String EVENT_CREATED_AT = "event_created_at";
  public static final String SUBMITTED_AT = "submitted_at";
  public static final String TERMINAL_AT = "terminal_at";
  public static final String UPDATED_AT = "updated_at";
  public static final String TERMINAL_DELIVERY = "terminal_delivery";

  public static final String DEDUPE_KEY = "dedupe_key";
  public static final String IDEMPOTENCY_HEADER = "idempotency_header";
  public static final String EVENT_STATUS = "event_status";
  public static final String RAW_EVENT = "raw_event";
  public static final String RECEIVED_AT = "received_at";

  /** DynamoDB TTL attribute (epoch seconds) on delivery items. */
  public static final String EXPIRES_AT = "expires_at";

  /** Sparse index of job items by tenant, newest first when queried backwards. */
  public static final String BY_TENANT_INDEX = "by_tenant";

  /**
   * The stream records the downloader acts on: a job item's transition to {@code completed}, as
   * Lambda event filter patterns (a record passes when any one matches). A job inserted as
   * completed, or modified from any other status to completed; never a later update of a job that
   * was already completed. template.yaml declares the same patterns as the download function's
   * FilterCriteria, and the local stack applies them before invoking the handler.
   */
  public static final List<String> DOWNLOAD_FILTER_PATTERNS =
      List.of(
          "{\"eventName\":[\"INSERT\"],"
              + "\"dynamodb\":{\"NewImage\":{\"item_type\":{\"S\":[\"job\"]},"
              + "\"status\":{\"S\":[\"completed\"]}}}}",
          "{\"eventName\":[\"MODIFY\"],"
              + "\"dynamodb\":{\"NewImage\":{\"item_type\":{\"S\":[\"job\"]},"
              + "\"status\":{\"S\":[\"completed\"]}},"
              + "\"OldImage\":{\"status\":{\"S\":[{\"anything-but\":[\"completed\"]}]}}}}");

  private JobTable() {}

  public static String jobKey(String tenant, String provider, String jobId) {
    return "job#" + tenant + "#" + provider + "#" + jobId;
  }

  public static String deliveryKey(String tenant, String provider, String dedupeKey) {
    return "delivery#" + tenant + "#" + provider + "#" + dedupeKey;
  }

  public static CreateTableRequest createTableRequest(String tableName) {
    return CreateTableRequest.builder()
        .tableName(tableName)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(attribute(PK), attribute(TENANT), attribute(UPDATED_AT))
        .keySchema(KeySchemaElement.builder().attributeName(PK).keyType(KeyType.HASH).build())
        .globalSecondaryIndexes(
            GlobalSecondaryIndex.builder()
                .indexName(BY_TENANT_INDEX)
                .keySchema(
                    KeySchemaElement.builder().attributeName(TENANT).keyType(KeyType.HASH).build(),
                    KeySchemaElement.builder()
                        .attributeName(UPDATED_AT)
                        .keyType(KeyType.RANGE)
                        .build())
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                .build())
        .streamSpecification(
            StreamSpecification.builder()
                .streamEnabled(true)
                .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
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
  public static final String BUCKET = "bucket";

  /** One S3 key per source, in source order (list of strings). */
  public static final String OBJECT_KEYS = "object_keys";

  /** Bytes stored per object, in the order of {@link #OBJECT_KEYS} (list of numbers). */
  public static final String OBJECT_SIZES = "object_sizes";

  /** Hex SHA-256 of each object, in the order of {@link #OBJECT_KEYS} (list of strings). */
  public static final String OBJECT_SHA256S = "object_sha256s";

  /** Content type of each object, in the order of {@link #OBJECT_KEYS} (list of strings). */
  public static final String CONTENT_TYPES = "content_types";

  /** When the job became {@code stored} (ISO-8601 instant). */
  public static final String STORED_AT = "stored_at";

  /** Why the latest download attempt failed; never holds a secret or a query string. */
  public static final String LAST_DOWNLOAD_ERROR = "last_download_error";

  /** Failed download invocations so far (number). */
  public static final String DOWNLOAD_ATTEMPTS = "download_attempts";
}
