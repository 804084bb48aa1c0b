package dev.videohook.local;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An SQS queue on moto as a stream consumer's on-failure destination, as template.yaml gives the
 * notify function ({@code NotifyFailedQueue}): each batch given up on becomes one message, Lambda's
 * on-failure record for an SQS destination (request and response context, {@code
 * DDBStreamBatchInfo} with the shard and sequence-number range; no images, as in AWS), the shape
 * {@code FailedBatchRecord} reads.
 */
public final class LocalFailedBatchQueue implements LocalStreamPoller.OnFailure {
  private final SqsClient sqs;
  private final String queueUrl;
  private final String functionName;

  private LocalFailedBatchQueue(SqsClient sqs, String queueUrl, String functionName) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.functionName = functionName;
  }

  /** Creates the queue {@code queueName}; {@code functionName} goes into each record's context. */
  public static LocalFailedBatchQueue create(SqsClient sqs, String queueName, String functionName) {
    String url = sqs.createQueue(b -> b.queueName(queueName)).queueUrl();
    return new LocalFailedBatchQueue(sqs, url, functionName);
  }

  public String queueUrl() {
    return queueUrl;
  }

  @Override
  public void failed(
      String streamArn,
      String shardId,
      List<DynamodbEvent.DynamodbStreamRecord> batch,
      int invokeCount) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("shardId", shardId);
    info.put("startSequenceNumber", batch.get(0).getDynamodb().getSequenceNumber());
    info.put("endSequenceNumber", batch.get(batch.size() - 1).getDynamodb().getSequenceNumber());
    info.put("batchSize", batch.size());
    info.put("streamArn", streamArn);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put(
        "requestContext",
        Map.of(
            "requestId", UUID.randomUUID().toString(),
            "functionArn", "arn:aws:lambda:us-east-1:000000000000:function:" + functionName,
            "condition", "RetryAttemptsExhausted",
            "approximateInvokeCount", invokeCount));
    record.put(
        "responseContext",
        Map.of("statusCode", 200, "executedVersion", "$LATEST", "functionError", "Unhandled"));
    record.put("version", "1.0");
    record.put("timestamp", Instant.now().toString());
    record.put("DDBStreamBatchInfo", info);
    String body;
    try {
      body = JSON.std.asString(record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
  }
}
