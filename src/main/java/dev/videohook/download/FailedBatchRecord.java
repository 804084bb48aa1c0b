package dev.videohook.download;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.Map;

/**
 * Lambda's on-failure record for a DynamoDB stream batch it gave up on (the object it writes to the
 * failed-batch bucket): {@code requestContext}, {@code responseContext}, {@code version}, {@code
 * timestamp}, {@code DDBStreamBatchInfo} with the shard and the sequence-number range and, for an
 * S3 destination, {@code payload}: the whole invocation record, the failed batch's stream records
 * with their images (events/dynamodb-stream-on-failure-record.json is one). Only the metadata is
 * read here: the stream positions expire after 24 hours and a record's image may be older than the
 * job, so the jobs themselves are found by their status ({@code videohook redrive}).
 *
 * @param condition why Lambda gave up, e.g. {@code RetryAttemptsExhausted}, {@code
 *     RecordAgeExceeded}
 * @param shardId {@code DDBStreamBatchInfo.shardId}
 * @param startSequenceNumber {@code DDBStreamBatchInfo.startSequenceNumber}
 * @param endSequenceNumber {@code DDBStreamBatchInfo.endSequenceNumber}
 * @param batchSize {@code DDBStreamBatchInfo.batchSize}
 * @param timestamp {@code timestamp} as written
 */
public record FailedBatchRecord(
    String condition,
    String shardId,
    String startSequenceNumber,
    String endSequenceNumber,
    int batchSize,
    String timestamp) {

  /**
   * @throws IllegalArgumentException naming what is missing when the bytes are not such a record
   */
  public static FailedBatchRecord parse(byte[] json) {
    Map<String, Object> root;
    try {
      Object tree = JSON.std.anyFrom(json);
      if (!(tree instanceof Map<?, ?>)) {
        throw new IllegalArgumentException("not a JSON object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) tree;
      root = map;
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON");
    }
    Map<String, Object> info = object(root, "DDBStreamBatchInfo");
    Map<String, Object> context = object(root, "requestContext");
    Object size = info.get("batchSize");
    if (!(size instanceof Number number)) {
      throw new IllegalArgumentException("DDBStreamBatchInfo.batchSize is not a number");
    }
    return new FailedBatchRecord(
        string(context, "condition", "requestContext"),
        string(info, "shardId", "DDBStreamBatchInfo"),
        string(info, "startSequenceNumber", "DDBStreamBatchInfo"),
        string(info, "endSequenceNumber", "DDBStreamBatchInfo"),
        number.intValue(),
        string(root, "timestamp", ""));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Map<String, Object> node, String field) {
    if (node.get(field) instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new IllegalArgumentException("no " + field + " object: not a stream on-failure record");
  }

  private static String string(Map<String, Object> node, String field, String parent) {
    if (node.get(field) instanceof String text && !text.isBlank()) {
      return text;
    }
    throw new IllegalArgumentException(
        "no "
            + (parent.isEmpty() ? "" : parent + ".")
            + field
            + ": not a stream on-failure record");
  }
}
