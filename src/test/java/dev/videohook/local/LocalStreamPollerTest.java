package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.videohook.job.JobTable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The local event source mapping on DynamoDB Local's real stream. The handler here is a recorder:
 * what is under test is which records reach it, in what shape, and how failures are retried.
 */
class LocalStreamPollerTest {
  private DynamoDbClient dynamoDb;
  private String table;
  private final List<DynamodbEvent.DynamodbStreamRecord> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void newTable() {
    dynamoDb = SharedDynamoDb.get().client();
    table = SharedDynamoDb.newJobTable();
  }

  private LocalStreamPoller poller(
      Function<DynamodbEvent, StreamsEventResponse> handler, int maxRetries) {
    return new LocalStreamPoller(
        dynamoDb,
        SharedDynamoDb.get().streamsClient(),
        table,
        JobTable.DOWNLOAD_FILTER_PATTERNS,
        handler,
        10,
        maxRetries,
        Duration.ofMillis(20));
  }

  private void putJob(String id, String status) {
    dynamoDb.putItem(
        b ->
            b.tableName(table)
                .item(
                    Map.of(
                        JobTable.PK,
                            AttributeValue.fromS(JobTable.jobKey("$default", "openrouter", id)),
                        JobTable.ITEM_TYPE, AttributeValue.fromS(JobTable.ITEM_TYPE_JOB),
                        JobTable.JOB_ID, AttributeValue.fromS(id),
                        JobTable.STATUS, AttributeValue.fromS(status))));
  }

  private void putDelivery(String key) {
    dynamoDb.putItem(
        b ->
            b.tableName(table)
                .item(
                    Map.of(
                        JobTable.PK,
                            AttributeValue.fromS(
                                JobTable.deliveryKey("$default", "openrouter", key)),
                        JobTable.ITEM_TYPE, AttributeValue.fromS(JobTable.ITEM_TYPE_DELIVERY),
                        JobTable.EVENT_STATUS, AttributeValue.fromS("completed"))));
  }

  private static StreamsEventResponse ok(DynamodbEvent event) {
    return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
  }

  private static void await(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(20);
    while (!condition.getAsBoolean()) {
      assertTrue(Instant.now().isBefore(deadline), "condition not met within 20 s");
      Thread.sleep(20);
    }
  }

  @Test
  @SuppressWarnings("try") // the poller works for its effect: running while the items are written
  void onlyCompletedJobs_reachTheHandler_withBothImagesInLambdasShape() throws Exception {
    try (LocalStreamPoller poller =
        poller(
            event -> {
              received.addAll(event.getRecords());
              return ok(event);
            },
            0)) {
      putJob("job_pending", "pending");
      putDelivery("job_done-completed");
      putJob("job_failed", "failed");
      putJob("job_done", "pending");
      putJob("job_done", "completed");
      putJob("job_marker", "completed");

      await(() -> received.size() >= 2);
      Thread.sleep(300);

      assertEquals(
          List.of("job_done", "job_marker"),
          received.stream()
              .map(r -> r.getDynamodb().getNewImage().get(JobTable.JOB_ID).getS())
              .toList());
      DynamodbEvent.DynamodbStreamRecord modify = received.get(0);
      assertEquals("MODIFY", modify.getEventName());
      assertEquals("pending", modify.getDynamodb().getOldImage().get(JobTable.STATUS).getS());
      assertEquals(
          JobTable.jobKey("$default", "openrouter", "job_done"),
          modify.getDynamodb().getKeys().get(JobTable.PK).getS());
      assertEquals("aws:dynamodb", modify.getEventSource());
    }
  }

  @Test
  void reportedFailure_isRetriedFromThatRecord_andEarlierRecordsAreNotResent() throws Exception {
    putJob("a", "completed");
    putJob("b", "completed");
    AtomicInteger calls = new AtomicInteger();
    // started after both writes, it reads them from the start of the stream in one batch
    try (LocalStreamPoller poller =
        poller(
            event -> {
              received.addAll(event.getRecords());
              if (calls.incrementAndGet() == 1) {
                String second = event.getRecords().get(1).getDynamodb().getSequenceNumber();
                return StreamsEventResponse.builder()
                    .withBatchItemFailures(
                        List.of(new StreamsEventResponse.BatchItemFailure(second)))
                    .build();
              }
              return ok(event);
            },
            3)) {

      await(() -> calls.get() >= 2);
      Thread.sleep(300);

      List<String> ids =
          received.stream()
              .map(r -> r.getDynamodb().getNewImage().get(JobTable.JOB_ID).getS())
              .toList();
      assertEquals(List.of("a", "b", "b"), ids, "the failed record is sent again, alone");
      assertTrue(poller.failedBatches().isEmpty());
    }
  }

  @Test
  void recordThatKeepsFailing_endsOnTheFailureList_afterItsRetries() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (LocalStreamPoller poller =
        poller(
            event -> {
              calls.incrementAndGet();
              throw new IllegalStateException("boom");
            },
            2)) {
      putJob("job_poison", "completed");

      await(() -> !poller.failedBatches().isEmpty());

      assertEquals(3, calls.get(), "one attempt and two retries");
      assertEquals(
          "job_poison",
          poller
              .failedBatches()
              .get(0)
              .get(0)
              .getDynamodb()
              .getNewImage()
              .get(JobTable.JOB_ID)
              .getS());
    }
  }
}
