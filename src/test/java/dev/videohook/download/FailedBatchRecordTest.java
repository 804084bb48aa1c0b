package dev.videohook.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The on-failure object Lambda writes to an S3 destination, as events/ holds one: the metadata this
 * record reads, and the whole invocation record beside it under {@code payload}.
 */
class FailedBatchRecordTest {
  private static final Path FIXTURE = Path.of("events/dynamodb-stream-on-failure-record.json");

  @Test
  void s3OnFailureObject_shouldGiveItsBatchInfo_andCarryTheBatchItself() throws Exception {
    byte[] json = Files.readAllBytes(FIXTURE);
    FailedBatchRecord record = FailedBatchRecord.parse(json);
    assertEquals("RetryAttemptsExhausted", record.condition());
    assertEquals(1, record.batchSize());

    // an S3 destination gets the invocation record too: the batch's stream records, as invoked
    Map<String, Object> root = JSON.std.mapFrom(json);
    DynamodbEvent batch =
        LambdaEventSerializers.serializerFor(DynamodbEvent.class, getClass().getClassLoader())
            .fromJson(
                new ByteArrayInputStream(
                    ((String) root.get("payload")).getBytes(StandardCharsets.UTF_8)));
    assertEquals(record.batchSize(), batch.getRecords().size());
    assertEquals(
        record.startSequenceNumber(), batch.getRecords().get(0).getDynamodb().getSequenceNumber());
  }

  @Test
  void otherJson_shouldBeRefused_namingWhatIsMissing() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FailedBatchRecord.parse("{\"Records\":[]}".getBytes(StandardCharsets.UTF_8)));
    assertEquals("no DDBStreamBatchInfo object: not a stream on-failure record", e.getMessage());
  }
}
