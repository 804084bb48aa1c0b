package dev.videohook.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.event.EventType;
import dev.videohook.event.SampleEvents;
import dev.videohook.event.VideoEvent;
import dev.videohook.provider.Provider;
import dev.videohook.testing.SharedMoto;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The commit point on the real emulator, where every condition is evaluated: the first write of a
 * dedupe key wins, a second one is a duplicate, another terminal event is late (kept, the job left
 * as it was), and no terminal state ever moves backwards.
 */
class JobStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private DynamoDbClient dynamoDb;
  private String table;
  private JobStore store;
  private JobKey key;

  @BeforeEach
  void setUp() {
    dynamoDb = SharedMoto.get().client();
    table = SharedMoto.newJobTable();
    store = new JobStore(dynamoDb, table, JobStore.DEFAULT_DELIVERY_TTL);
    key = new JobKey("acme", Provider.OPENROUTER, "job-" + System.nanoTime());
  }

  private Delivery delivery(EventType type) throws Exception {
    byte[] body =
        JSON.std.asBytes(
            SampleEvents.terminal(type, key.jobId(), List.of("https://cdn.example/v.mp4")));
    VideoEvent event = VideoEvent.parse(body).orElseThrow();
    return new Delivery(
        key.tenant(),
        key.provider(),
        event,
        new String(body, StandardCharsets.UTF_8),
        null,
        T0.plusSeconds(1));
  }

  @Test
  void recordDelivery_shouldRecordOnceAndAnswerDuplicate_whenTheSameKeyComesAgain()
      throws Exception {
    Delivery completed = delivery(EventType.COMPLETED);

    assertEquals(RecordOutcome.RECORDED, store.recordDelivery(completed));
    assertEquals(RecordOutcome.DUPLICATE, store.recordDelivery(completed));

    Job job = store.find(key).orElseThrow();
    assertEquals(JobStatus.COMPLETED, job.status());
    assertEquals(completed.dedupeKey(), job.terminalDelivery());
    assertTrue(store.findDelivery(key, completed.dedupeKey()).isEmpty(), "no second item");
    assertEquals(1, TestJobs.deliveryRecords(dynamoDb, table, key.jobId()));
  }

  @Test
  void recordDelivery_shouldLetExactlyOneWriteWin_whenTheSameDeliveryComesFromManyThreads()
      throws Exception {
    Delivery completed = delivery(EventType.COMPLETED);
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<RecordOutcome>> answers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<RecordOutcome> commit =
            () -> {
              start.await();
              return store.recordDelivery(completed);
            };
        answers.add(pool.submit(commit));
      }
      start.countDown();
      List<RecordOutcome> outcomes = new ArrayList<>();
      for (Future<RecordOutcome> answer : answers) {
        outcomes.add(answer.get());
      }
      Map<RecordOutcome, Long> counts =
          outcomes.stream()
              .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertEquals(Map.of(RecordOutcome.RECORDED, 1L, RecordOutcome.DUPLICATE, 7L), counts);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, TestJobs.deliveryRecords(dynamoDb, table, key.jobId()));
  }

  @Test
  void recordDelivery_shouldKeepTheLateEventAndLeaveTheJob_whenAnotherTerminalEventComes()
      throws Exception {
    Delivery completed = delivery(EventType.COMPLETED);
    Delivery failed = delivery(EventType.FAILED);
    store.recordDelivery(completed);

    assertEquals(RecordOutcome.JOB_ALREADY_TERMINAL, store.recordDelivery(failed));
    assertEquals(RecordOutcome.DUPLICATE, store.recordDelivery(failed), "late, then duplicate");

    Job job = store.find(key).orElseThrow();
    assertEquals(JobStatus.COMPLETED, job.status());
    assertEquals(completed.dedupeKey(), job.terminalDelivery());
    DeliveryRecord late = store.findDelivery(key, failed.dedupeKey()).orElseThrow();
    assertEquals(failed.rawBody(), late.rawEvent());
    assertEquals(2, TestJobs.deliveryRecords(dynamoDb, table, key.jobId()));
  }

  @Test
  void recordDelivery_shouldNeverMoveAStoredJobBack_whenItsEventsAreReplayed() throws Exception {
    Delivery completed = delivery(EventType.COMPLETED);
    store.recordDelivery(completed);
    StoredObject video = new StoredObject("acme/openrouter/x/0.mp4", 3, "abc", "video/mp4");
    assertEquals(
        StoreOutcome.STORED,
        store.markStored(
            TestJobs.lease(store, key, T0.plusSeconds(1)),
            "videos",
            List.of(video),
            T0.plusSeconds(2)));

    assertEquals(RecordOutcome.DUPLICATE, store.recordDelivery(completed));
    assertEquals(
        RecordOutcome.JOB_ALREADY_TERMINAL, store.recordDelivery(delivery(EventType.FAILED)));
    assertFalse(store.expirePending(key, "too old", T0.plusSeconds(3)));

    Job job = store.find(key).orElseThrow();
    assertEquals(JobStatus.STORED, job.status());
    assertEquals(List.of(video), job.stored().objects());
  }

  @Test
  void recordSubmitted_shouldKeepTheTerminalState_whenTheWebhookCameFirst() throws Exception {
    store.recordDelivery(delivery(EventType.FAILED));

    store.recordSubmitted(key, "google/veo-3.1-lite", "a lamp", T0);

    Job job = store.find(key).orElseThrow();
    assertEquals(JobStatus.FAILED, job.status());
    assertEquals("a lamp", job.prompt());
    assertEquals(T0, job.times().submittedAt());
  }

  @Test
  void recordDownloadFailure_shouldCountAttemptsAndGiveUpAtTheLimit_whenTheJobIsCompleted()
      throws Exception {
    store.recordDelivery(delivery(EventType.COMPLETED));

    store.recordDownloadFailure(
        TestJobs.lease(store, key, T0.plusSeconds(1)), "HTTP 503", T0.plusSeconds(2), 2);
    Job once = store.find(key).orElseThrow();
    assertEquals(JobStatus.COMPLETED, once.status());
    assertEquals(new Job.DownloadAttempts(1, "HTTP 503"), once.download());

    store.recordDownloadFailure(
        TestJobs.lease(store, key, T0.plusSeconds(2)), "HTTP 504", T0.plusSeconds(3), 2);
    Job twice = store.find(key).orElseThrow();
    assertEquals(JobStatus.DOWNLOAD_FAILED, twice.status());
    assertEquals(new Job.DownloadAttempts(2, "HTTP 504"), twice.download());
  }

  @Test
  void expirePending_shouldExpireOnlyAPendingJob() throws Exception {
    store.recordSubmitted(key, "google/veo-3.1-lite", "a lamp", T0);

    assertTrue(store.expirePending(key, "no webhook", T0.plusSeconds(5)));
    assertFalse(store.expirePending(key, "again", T0.plusSeconds(6)));

    Job job = store.find(key).orElseThrow();
    assertEquals(JobStatus.EXPIRED, job.status());
    assertEquals("no webhook", job.error());
    assertEquals(T0.plusSeconds(5), job.times().terminalAt());
  }
}
