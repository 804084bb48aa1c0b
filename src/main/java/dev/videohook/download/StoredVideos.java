package dev.videohook.download;

import dev.videohook.job.JobStatus;
import dev.videohook.job.JobTable;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The downloader's writes to a job item, each conditional on the job still waiting for its video
 * ({@code completed}, or {@code download_failed} when an operator re-drives it): success moves the
 * job to {@code stored} with where its videos are; a failure notes the error and counts the
 * attempt, and the last attempt the stream will make marks the job {@code download_failed}. None of
 * these updates matches the "newly completed" stream filter, so none triggers a download.
 */
public final class StoredVideos {
  /** What {@link #markStored} found. */
  public enum MarkOutcome {
    STORED,
    /** Someone stored it first: the same keys were written again, which is harmless. */
    ALREADY_STORED,
    /** The job item is gone or in another state; nothing was changed. */
    NOT_COMPLETED
  }

  private static final int MAX_ERROR_LENGTH = 1000;

  private final DynamoDbClient dynamoDb;
  private final String tableName;

  public StoredVideos(DynamoDbClient dynamoDb, String tableName) {
    this.dynamoDb = dynamoDb;
    this.tableName = tableName;
  }

  /** The job's status as stored now (consistent read), if the item exists. */
  public Optional<String> status(CompletedJob job) {
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
    if (item == null || item.isEmpty() || item.get(JobTable.STATUS) == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(item.get(JobTable.STATUS).s());
  }

  public MarkOutcome markStored(
      CompletedJob job, String bucket, List<StoredObject> objects, Instant at) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    names.put("#status", JobTable.STATUS);
    names.put("#bucket", JobTable.BUCKET);
    names.put("#keys", JobTable.OBJECT_KEYS);
    names.put("#sizes", JobTable.OBJECT_SIZES);
    names.put("#sha", JobTable.OBJECT_SHA256S);
    names.put("#types", JobTable.CONTENT_TYPES);
    names.put("#storedAt", JobTable.STORED_AT);
    names.put("#updatedAt", JobTable.UPDATED_AT);
    values.put(":stored", s(JobStatus.STORED.value()));
    values.put(":completed", s(JobStatus.COMPLETED.value()));
    values.put(":failed", s(JobStatus.DOWNLOAD_FAILED.value()));
    values.put(":bucket", s(bucket));
    values.put(":keys", list(objects, o -> s(o.key())));
    values.put(
        ":sizes", list(objects, o -> AttributeValue.builder().n(Long.toString(o.size())).build()));
    values.put(":sha", list(objects, o -> s(o.sha256())));
    values.put(":types", list(objects, o -> s(o.contentType())));
    values.put(":at", s(at.toString()));
    try {
      dynamoDb.updateItem(
          b ->
              b.tableName(tableName)
                  .key(key(job))
                  .updateExpression(
                      "SET #status = :stored, #bucket = :bucket, #keys = :keys, #sizes = :sizes,"
                          + " #sha = :sha, #types = :types, #storedAt = :at, #updatedAt = :at")
                  .conditionExpression("#status IN (:completed, :failed)")
                  .expressionAttributeNames(names)
                  .expressionAttributeValues(values)
                  .returnValuesOnConditionCheckFailure(
                      ReturnValuesOnConditionCheckFailure.ALL_OLD));
      return MarkOutcome.STORED;
    } catch (ConditionalCheckFailedException e) {
      Map<String, AttributeValue> old = e.item();
      boolean stored =
          old != null
              && old.get(JobTable.STATUS) != null
              && JobStatus.STORED.value().equals(old.get(JobTable.STATUS).s());
      return stored ? MarkOutcome.ALREADY_STORED : MarkOutcome.NOT_COMPLETED;
    }
  }

  /**
   * Notes a failed attempt on a job still waiting for its video; once {@code giveUpAfterAttempts}
   * attempts have failed, the job is marked {@code download_failed}. A job in any other state is
   * left alone.
   */
  public void recordFailure(CompletedJob job, String error, Instant at, int giveUpAfterAttempts) {
    String text = error == null ? "unknown error" : error;
    String message = text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text;
    AttributeValue completed = s(JobStatus.COMPLETED.value());
    AttributeValue failed = s(JobStatus.DOWNLOAD_FAILED.value());
    try {
      dynamoDb.updateItem(
          b ->
              b.tableName(tableName)
                  .key(key(job))
                  .updateExpression("SET #error = :error, #updatedAt = :at ADD #attempts :one")
                  .conditionExpression("#status IN (:completed, :failed)")
                  .expressionAttributeNames(
                      Map.of(
                          "#error", JobTable.LAST_DOWNLOAD_ERROR,
                          "#attempts", JobTable.DOWNLOAD_ATTEMPTS,
                          "#updatedAt", JobTable.UPDATED_AT,
                          "#status", JobTable.STATUS))
                  .expressionAttributeValues(
                      Map.of(
                          ":error", s(message),
                          ":at", s(at.toString()),
                          ":one", AttributeValue.builder().n("1").build(),
                          ":completed", completed,
                          ":failed", failed)));
      // a second write, after the count: the give-up mark must see the attempt just counted
      dynamoDb.updateItem(
          b ->
              b.tableName(tableName)
                  .key(key(job))
                  .updateExpression("SET #status = :failed")
                  .conditionExpression("#status = :completed AND #attempts >= :limit")
                  .expressionAttributeNames(
                      Map.of("#status", JobTable.STATUS, "#attempts", JobTable.DOWNLOAD_ATTEMPTS))
                  .expressionAttributeValues(
                      Map.of(
                          ":failed", failed,
                          ":completed", completed,
                          ":limit",
                              AttributeValue.builder()
                                  .n(Integer.toString(giveUpAfterAttempts))
                                  .build())));
    } catch (ConditionalCheckFailedException notYetOrNotWaiting) {
      // attempts left, or stored meanwhile, or gone: nothing more to note
    }
  }

  private static Map<String, AttributeValue> key(CompletedJob job) {
    return Map.of(JobTable.PK, s(JobTable.jobKey(job.tenant(), job.provider().id(), job.jobId())));
  }

  private static AttributeValue list(
      List<StoredObject> objects, Function<StoredObject, AttributeValue> f) {
    return AttributeValue.builder().l(objects.stream().map(f).toList()).build();
  }

  private static AttributeValue s(String value) {
    return AttributeValue.builder().s(value).build();
  }
}
