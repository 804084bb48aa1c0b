package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.transformers.v2.dynamodb.DynamodbAttributeValueTransformer;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.download.FailedBatchRecord;
import dev.videohook.event.EventType;
import dev.videohook.event.SampleEvents;
import dev.videohook.event.VideoEvent;
import dev.videohook.job.Delivery;
import dev.videohook.job.DeliveryRecord;
import dev.videohook.job.Job;
import dev.videohook.job.JobItems;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.JobTable;
import dev.videohook.job.TestJobs;
import dev.videohook.provider.Provider;
import dev.videohook.testing.SharedMoto;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The local event source mapping on moto's real stream. The handler here is a recorder: what is
 * under test is which records reach it, in what shape, and how failures are retried.
 */
class LocalStreamPollerTest {
  private DynamoDbClient dynamoDb;
  private String table;
  private final List<DynamodbEvent.DynamodbStreamRecord> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void newTable() {
    dynamoDb = SharedMoto.get().client();
    table = SharedMoto.newJobTable();
  }

  private LocalStreamPoller poller(
      Function<DynamodbEvent, StreamsEventResponse> handler, int maxRetries) {
    return new LocalStreamPoller(
        dynamoDb,
        SharedMoto.get().streamsClient(),
        table,
        JobTable.DOWNLOAD_FILTER_PATTERNS,
        handler,
        10,
        maxRetries,
        Duration.ofMillis(20));
  }

  private static JobKey key(String id) {
    return new JobKey("$default", Provider.OPENROUTER, id);
  }

  private void putJob(String id, String status) {
    TestJobs.put(
        dynamoDb,
        table,
        TestJobs.job(key(id), JobStatus.fromValue(status).orElseThrow(), List.of(), null));
  }

  private void putDelivery(String dedupeKey) {
    dynamoDb.putItem(
        b ->
            b.tableName(table)
                .item(
                    JobItems.toItem(
                        new DeliveryRecord(
                            key(dedupeKey), dedupeKey, "completed", "{}", null, null, null))));
  }

  /** A record's new or old image, read back through the same mapper as every other read. */
  private static Job image(DynamodbEvent.DynamodbStreamRecord record, boolean newImage) {
    var image = newImage ? record.getDynamodb().getNewImage() : record.getDynamodb().getOldImage();
    return JobItems.job(DynamodbAttributeValueTransformer.toAttributeValueMapV2(image))
        .orElseThrow();
  }

  private static String jobId(DynamodbEvent.DynamodbStreamRecord record) {
    return image(record, true).jobId();
  }

  private static StreamsEventResponse ok(DynamodbEvent event) {
    return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
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
          received.stream().map(LocalStreamPollerTest::jobId).toList());
      DynamodbEvent.DynamodbStreamRecord modify = received.get(0);
      assertEquals("MODIFY", modify.getEventName());
      assertEquals(JobStatus.PENDING, image(modify, false).status());
      assertEquals(
          JobItems.toItem(image(modify, true)).get(JobTable.PK),
          DynamodbAttributeValueTransformer.toAttributeValueMapV2(modify.getDynamodb().getKeys())
              .get(JobTable.PK));
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

      List<String> ids = received.stream().map(LocalStreamPollerTest::jobId).toList();
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
      assertEquals("job_poison", jobId(poller.failedBatches().get(0).get(0)));
    }
  }

  @Test
  void batchGivenUpOn_reachesItsSqsDestination_asLambdasOnFailureRecord() throws Exception {
    var sqs = SharedMoto.get().sqsClient();
    LocalFailedBatchQueue queue = LocalFailedBatchQueue.create(sqs, table + "-failed", "notify");
    try (LocalStreamPoller poller =
        new LocalStreamPoller(
            dynamoDb,
            SharedMoto.get().streamsClient(),
            table,
            JobTable.DOWNLOAD_FILTER_PATTERNS,
            event -> {
              throw new IllegalStateException("boom");
            },
            10,
            1,
            Duration.ofMillis(20),
            queue)) {
      putJob("job_poison", "completed");
      await(() -> !poller.failedBatches().isEmpty());

      List<software.amazon.awssdk.services.sqs.model.Message> messages =
          sqs.receiveMessage(b -> b.queueUrl(queue.queueUrl()).maxNumberOfMessages(10)).messages();

      assertEquals(1, messages.size());
      FailedBatchRecord record =
          FailedBatchRecord.parse(messages.get(0).body().getBytes(StandardCharsets.UTF_8));
      var failed = poller.failedBatches().get(0);
      assertEquals("RetryAttemptsExhausted", record.condition());
      assertEquals(failed.size(), record.batchSize());
      assertEquals(failed.get(0).getDynamodb().getSequenceNumber(), record.startSequenceNumber());
      assertEquals(
          failed.get(failed.size() - 1).getDynamodb().getSequenceNumber(),
          record.endSequenceNumber());
    }
  }

  @Test
  @SuppressWarnings("try") // the poller works for its effect: running while the items are written
  void itemCreatingUpdate_reachesTheHandlerAsOneInsert_withTheWholeItem() throws Exception {
    // moto writes such an update as two INSERT records, the first with the keys alone; Lambda
    // (DynamoDB) would see one INSERT of the whole item
    try (LocalStreamPoller poller =
        new LocalStreamPoller(
            dynamoDb,
            SharedMoto.get().streamsClient(),
            table,
            List.of("{\"eventName\":[\"INSERT\"]}"),
            event -> {
              received.addAll(event.getRecords());
              return ok(event);
            },
            10,
            0,
            Duration.ofMillis(20))) {
      byte[] body =
          JSON.std.asBytes(
              SampleEvents.terminal(
                  EventType.COMPLETED, "job_new", List.of("https://cdn.example/v.mp4")));
      new JobStore(dynamoDb, table)
          .recordDelivery(
              new Delivery(
                  "$default",
                  Provider.OPENROUTER,
                  VideoEvent.parse(body).orElseThrow(),
                  new String(body, StandardCharsets.UTF_8),
                  null,
                  Instant.now()));
      putJob("job_marker", "completed"); // one PutItem, one INSERT: read past it, all is read

      await(() -> received.stream().anyMatch(r -> jobId(r).equals("job_marker")));

      List<Job> inserted =
          received.stream()
              .map(r -> image(r, true))
              .filter(j -> j.jobId().equals("job_new"))
              .toList();
      assertEquals(1, inserted.size(), "one INSERT for one new item");
      assertEquals(JobStatus.COMPLETED, inserted.get(0).status());
    }
  }
}
