package dev.videohook.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.event.EventType;
import dev.videohook.event.SampleEvents;
import dev.videohook.event.VideoEvent;
import dev.videohook.provider.Provider;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What every job store does, whatever holds the items: the commit point (first write of a dedupe
 * key wins, a second is a duplicate, another terminal event is late and kept, a terminal state is
 * final but for the reconciler's own expiry), the downloader's and the reconciler's transitions,
 * the 400 KB refusal, and the queries' order and paging. Conditional writes race from many threads
 * with exactly one winner. {@link JobStoreOnMotoTest} runs it on DynamoDB's protocol (moto), {@link
 * InMemoryJobStoreTest} on the in-memory twin.
 */
abstract class JobStoreContract {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final int THREADS = 16;

  JobRepository store;
  private JobKey key;
  private ExecutorService pool;

  /** A new, empty store. */
  abstract JobRepository newStore();

  /** Writes a job's item as is, unconditionally: a table as a transition would have left it. */
  abstract void put(Job job);

  /** Deliveries recorded for a job id: the one on its job item, plus delivery items. */
  abstract long deliveryRecords(String jobId);

  /** A job's item as stored, every attribute (null when there is none). */
  abstract Map<String, AttributeValue> item(JobKey job);

  @BeforeEach
  void newStoreAndJob() {
    store = newStore();
    key = new JobKey("acme", Provider.OPENROUTER, "job-" + System.nanoTime());
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void stopThreads() {
    pool.shutdownNow();
  }

  static Delivery delivery(JobKey key, EventType type, String idempotencyHeader) throws Exception {
    byte[] body =
        JSON.std.asBytes(
            SampleEvents.terminal(type, key.jobId(), List.of("https://cdn.example/v.mp4")));
    return new Delivery(
        key.tenant(),
        key.provider(),
        VideoEvent.parse(body).orElseThrow(),
        new String(body, StandardCharsets.UTF_8),
        idempotencyHeader,
        T0.plusSeconds(1));
  }

  private Delivery delivery(EventType type) throws Exception {
    return delivery(key, type, "idem-" + type.status());
  }

  private static final StoredObject VIDEO =
      new StoredObject("acme/openrouter/x/0.mp4", 3, "abc", "video/mp4");

  /** Runs every task at once, from its own thread, and returns their answers in order. */
  private <T> List<T> atOnce(List<Callable<T>> tasks) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<T>> answers = new ArrayList<>();
    for (Callable<T> task : tasks) {
      answers.add(
          pool.submit(
              () -> {
                start.await();
                return task.call();
              }));
    }
    start.countDown();
    List<T> results = new ArrayList<>();
    for (Future<T> answer : answers) {
      results.add(answer.get());
    }
    return results;
  }

  private static <T> Map<T, Long> counts(List<T> values) {
    return values.stream()
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  private static Job job(JobKey key, JobStatus status, Instant updatedAt) {
    return TestJobs.job(key, status, List.of("https://cdn.example/v.mp4"), updatedAt);
  }

  private static JobKey key(String tenant, String id) {
    return new JobKey(tenant, Provider.OPENROUTER, id);
  }

  // --- the commit point ---

  /** A completed event whose {@code data} also carries {@code extra}. */
  private static Delivery completedWith(JobKey key, Map<String, Object> extra) throws Exception {
    Map<String, Object> event =
        SampleEvents.terminal(EventType.COMPLETED, key.jobId(), List.of("https://cdn.example/v"));
    @SuppressWarnings("unchecked")
    Map<String, Object> data = (Map<String, Object>) event.get("data");
    data.putAll(extra);
    byte[] body = JSON.std.asBytes(event);
    return new Delivery(
        key.tenant(),
        key.provider(),
        VideoEvent.parse(body).orElseThrow(),
        new String(body, StandardCharsets.UTF_8),
        null,
        T0.plusSeconds(1));
  }

  @Test
  void recordDelivery_shouldKeepTheOutputsExpiryAndSignedUrls_neverInTheTablesTtlAttribute()
      throws Exception {
    long expiresAt = T0.plusSeconds(3600).getEpochSecond();
    store.recordDelivery(
        completedWith(
            key,
            Map.of("expires_at", expiresAt, "urls", List.of("https://store.example/v?sig=1"))));

    Job job = store.find(key).orElseThrow();
    assertEquals(Instant.ofEpochSecond(expiresAt), job.outputsExpireAt());
    assertEquals(List.of("https://store.example/v?sig=1"), job.signedUrls());
    // expires_at is the table's TTL attribute: on a job item, DynamoDB would delete the job
    assertFalse(item(key).containsKey(JobTable.EXPIRES_AT), "no TTL on a job item");
    assertEquals(
        Instant.ofEpochSecond(expiresAt).toString(), item(key).get("outputs_expire_at").s());
  }

  @Test
  void recordDelivery_shouldRefuseAJobAnotherTenantSubmitted_andWriteNothing() throws Exception {
    store.recordSubmitted(key, "google/veo-3.1-lite", "a lamp", T0);
    Job before = store.find(key).orElseThrow();
    JobKey elsewhere = key("other-tenant", key.jobId());

    assertEquals(
        RecordOutcome.FOREIGN_TENANT,
        store.recordDelivery(delivery(elsewhere, EventType.COMPLETED, null)));

    assertTrue(store.find(elsewhere).isEmpty(), "no second job");
    assertEquals(before, store.find(key).orElseThrow(), "the owner's job is unchanged");
    assertEquals(0, deliveryRecords(key.jobId()), "no delivery kept");
    assertEquals(
        RecordOutcome.RECORDED, store.recordDelivery(delivery(key, EventType.COMPLETED, null)));
  }

  @Test
  void recordSubmitted_shouldRefuseAJobIdAnotherTenantOwns() {
    store.recordSubmitted(key, "google/veo-3.1-lite", "a lamp", T0);

    assertThrows(
        IllegalStateException.class,
        () -> store.recordSubmitted(key("other-tenant", key.jobId()), "m", "p", T0));
    store.recordSubmitted(key, "google/veo-3.1-lite", "a lamp", T0.plusSeconds(1));
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
    assertEquals(1, deliveryRecords(key.jobId()));
  }

  @Test
  void recordDelivery_shouldKeepTheRawEventAndHeaderOnTheJob() throws Exception {
    Delivery completed = delivery(EventType.COMPLETED);
    store.recordDelivery(completed);

    DeliveryRecord kept = store.terminalDelivery(key).orElseThrow();

    assertEquals(completed.rawBody(), kept.rawEvent());
    assertEquals("idem-completed", kept.idempotencyHeader());
    assertEquals(completed.dedupeKey(), kept.dedupeKey());
    assertEquals(T0.plusSeconds(1), kept.receivedAt());
  }

  @Test
  void recordDelivery_shouldLetExactlyOneWriteWin_whenTheSameDeliveryComesFromManyThreads()
      throws Exception {
    for (int round = 0; round < 4; round++) {
      JobKey racing = key(key.tenant(), key.jobId() + "-" + round);
      Delivery completed = delivery(racing, EventType.COMPLETED, null);
      List<Callable<RecordOutcome>> commits = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        commits.add(() -> store.recordDelivery(completed));
      }

      List<RecordOutcome> outcomes = atOnce(commits);

      assertEquals(
          Map.of(RecordOutcome.RECORDED, 1L, RecordOutcome.DUPLICATE, (long) THREADS - 1),
          counts(outcomes));
      assertEquals(1, deliveryRecords(racing.jobId()));
    }
  }

  @Test
  void recordDelivery_shouldLetOneTerminalEventWinAndKeepEachOtherOnce_whenTheyRace()
      throws Exception {
    List<EventType> types = List.of(EventType.values());
    List<Callable<RecordOutcome>> commits = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      Delivery each = delivery(types.get(i % types.size()));
      commits.add(() -> store.recordDelivery(each));
    }

    List<RecordOutcome> outcomes = atOnce(commits);

    Map<EventType, RecordOutcome> recorded = new EnumMap<>(EventType.class);
    for (int i = 0; i < THREADS; i++) {
      if (outcomes.get(i) == RecordOutcome.RECORDED) {
        recorded.put(types.get(i % types.size()), outcomes.get(i));
      }
    }
    assertEquals(1, counts(outcomes).get(RecordOutcome.RECORDED), "one winner: " + outcomes);
    assertEquals(
        types.size() - 1L,
        counts(outcomes).get(RecordOutcome.JOB_ALREADY_TERMINAL),
        "each late type kept once: " + outcomes);
    EventType winner = recorded.keySet().iterator().next();
    assertEquals(JobStatus.of(winner), store.find(key).orElseThrow().status());
    assertEquals(types.size(), deliveryRecords(key.jobId()));
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
    assertEquals(T0.plusSeconds(1).plus(JobStore.DEFAULT_DELIVERY_TTL), late.expiresAt());
    assertEquals(2, deliveryRecords(key.jobId()));
  }

  @Test
  void recordDelivery_shouldNeverMoveAStoredJobBack_whenItsEventsAreReplayed() throws Exception {
    Delivery completed = delivery(EventType.COMPLETED);
    store.recordDelivery(completed);
    assertEquals(
        StoreOutcome.STORED,
        store.markStored(lease(key), "videos", List.of(VIDEO), T0.plusSeconds(2)));

    assertEquals(RecordOutcome.DUPLICATE, store.recordDelivery(completed));
    assertEquals(
        RecordOutcome.JOB_ALREADY_TERMINAL, store.recordDelivery(delivery(EventType.FAILED)));
    assertFalse(store.expirePending(key, "too old", T0.plusSeconds(3)));

    Job job = store.find(key).orElseThrow();
    assertEquals(JobStatus.STORED, job.status());
    assertEquals(List.of(VIDEO), job.stored().objects());
  }

  @Test
  void recordDelivery_shouldReplaceTheReconcilersOwnExpiryOnce_andClearItsReason()
      throws Exception {
    store.recordSubmitted(key, "m", "a lamp", T0);
    assertTrue(store.expirePending(key, "expired by the reconciler", T0.plusSeconds(1)));

    assertEquals(RecordOutcome.RECORDED, store.recordDelivery(delivery(EventType.COMPLETED)));

    Job job = store.find(key).orElseThrow();
    assertEquals(JobStatus.COMPLETED, job.status());
    assertEquals(key.jobId() + "-completed", job.terminalDelivery());
    assertNull(job.error(), "the local expiry's reason is gone with it");
    assertEquals(
        RecordOutcome.JOB_ALREADY_TERMINAL,
        store.recordDelivery(delivery(EventType.FAILED)),
        "the provider's own terminal state is final");
    assertEquals(JobStatus.COMPLETED, store.find(key).orElseThrow().status());
  }

  @ParameterizedTest
  @EnumSource(
      value = EventType.class,
      names = {"EXPIRED", "FAILED", "CANCELLED"})
  void recordDelivery_shouldNeverReplaceAProvidersOwnTerminalState(EventType first)
      throws Exception {
    store.recordSubmitted(key, "m", "a lamp", T0);
    assertEquals(RecordOutcome.RECORDED, store.recordDelivery(delivery(first)));

    assertEquals(
        RecordOutcome.JOB_ALREADY_TERMINAL, store.recordDelivery(delivery(EventType.COMPLETED)));
    assertFalse(store.expirePending(key, "too old", T0.plusSeconds(5)));

    assertEquals(JobStatus.of(first), store.find(key).orElseThrow().status());
  }

  @Test
  void recordDelivery_shouldAlwaysEndCompleted_whenTheReconcilersExpiryRacesTheWebhook()
      throws Exception {
    List<Callable<Boolean>> moves = new ArrayList<>();
    List<JobKey> jobs = new ArrayList<>();
    for (int i = 0; i < THREADS / 2; i++) {
      JobKey each = key(key.tenant(), key.jobId() + "-" + i);
      jobs.add(each);
      store.recordSubmitted(each, "m", "a lamp", T0);
      Delivery completed = delivery(each, EventType.COMPLETED, null);
      moves.add(() -> store.expirePending(each, "expired by the reconciler", T0.plusSeconds(1)));
      moves.add(() -> store.recordDelivery(completed) == RecordOutcome.RECORDED);
    }

    List<Boolean> moved = atOnce(moves);

    for (int i = 0; i < jobs.size(); i++) {
      assertTrue(moved.get(2 * i + 1), "the webhook is recorded whichever came first");
      Job job = store.find(jobs.get(i)).orElseThrow();
      assertEquals(JobStatus.COMPLETED, job.status());
      assertNull(job.error());
    }
  }

  @Test
  void recordDelivery_shouldRefuseAnItemOver400KB_andWriteNothing() throws Exception {
    Delivery completed = delivery(EventType.COMPLETED);
    Delivery huge =
        new Delivery(
            completed.tenant(),
            completed.provider(),
            completed.event(),
            "x".repeat(ItemSize.MAX_BYTES),
            null,
            completed.receivedAt());

    UnstorableDeliveryException refused =
        assertThrows(UnstorableDeliveryException.class, () -> store.recordDelivery(huge));

    assertEquals(key, refused.job());
    assertTrue(store.find(key).isEmpty());
    assertEquals(0, deliveryRecords(key.jobId()));
  }

  @Test
  void recordUnknownEvent_shouldKeepTheBodyOnce_andTouchNoJob() {
    String body =
        "{\"type\":\"video.generation.rendered\",\"data\":{\"id\":\"" + key.jobId() + "\"}}";

    assertEquals(
        RecordOutcome.RECORDED,
        store.recordUnknownEvent(key, "video.generation.rendered", body, "idem", T0));
    assertEquals(
        RecordOutcome.DUPLICATE,
        store.recordUnknownEvent(key, "video.generation.rendered", body, "idem", T0));

    String dedupeKey =
        DeliveryRecord.unknownEvent(key, "t", body, null, T0, JobStore.DEFAULT_DELIVERY_TTL)
            .dedupeKey();
    DeliveryRecord kept = store.findDelivery(key, dedupeKey).orElseThrow();
    assertEquals(body, kept.rawEvent());
    assertEquals("video.generation.rendered", kept.eventStatus());
    assertTrue(store.find(key).isEmpty());
  }

  // --- submit and the reconciler ---

  @Test
  void recordSubmitted_shouldMakeAPendingJob_withItsPromptCutToItsBound() {
    String prompt = "灯".repeat(200_000); // 600,000 bytes: more than an item may hold

    store.recordSubmitted(key, "google/veo-3.1-lite", prompt, T0);

    Job job = store.find(key).orElseThrow();
    assertEquals(JobStatus.PENDING, job.status());
    assertEquals("google/veo-3.1-lite", job.model());
    assertEquals(new Job.Times(T0, null, null, T0), job.times());
    assertTrue(prompt.startsWith(job.prompt()));
    assertEquals(TextBounds.MAX_PROMPT_BYTES / 3, job.prompt().length(), "whole characters only");
  }

  @Test
  void recordSubmitted_shouldKeepTheTerminalState_whenTheWebhookCameFirst() throws Exception {
    store.recordDelivery(delivery(EventType.FAILED));

    store.recordSubmitted(key, "google/veo-3.1-lite", "a lamp", T0);

    Job job = store.find(key).orElseThrow();
    assertEquals(JobStatus.FAILED, job.status());
    assertEquals("a lamp", job.prompt());
    assertEquals(T0, job.times().submittedAt());
    assertEquals(T0.plusSeconds(1), job.times().updatedAt(), "the webhook's change stays last");
  }

  @Test
  void expirePending_shouldExpireOnlyAPendingJob() {
    store.recordSubmitted(key, "google/veo-3.1-lite", "a lamp", T0);

    assertTrue(store.expirePending(key, "no webhook", T0.plusSeconds(5)));
    assertFalse(store.expirePending(key, "again", T0.plusSeconds(6)));
    assertFalse(store.expirePending(key(key.tenant(), "never-seen"), "gone", T0));

    Job job = store.find(key).orElseThrow();
    assertEquals(JobStatus.EXPIRED, job.status());
    assertEquals("no webhook", job.error());
    assertNull(job.terminalDelivery());
    assertEquals(T0.plusSeconds(5), job.times().terminalAt());
    assertTrue(store.find(key(key.tenant(), "never-seen")).isEmpty(), "nothing created");
  }

  @Test
  void deferPending_shouldNoteTheNextCheck_andLeaveTheLastChangeAndOtherStatesAlone()
      throws Exception {
    store.recordSubmitted(key, "m", "a lamp", T0);
    JobKey done = key(key.tenant(), key.jobId() + "-done");
    put(job(done, JobStatus.COMPLETED, T0));

    store.deferPending(key, T0.plusSeconds(60), "HTTP 503");
    store.deferPending(done, T0.plusSeconds(60), "HTTP 503");

    Job pending = store.find(key).orElseThrow();
    assertEquals(new Job.ReconcileCheck(T0.plusSeconds(60), "HTTP 503"), pending.reconcile());
    assertEquals(T0, pending.times().updatedAt());
    assertEquals(Job.ReconcileCheck.NONE, store.find(done).orElseThrow().reconcile());
  }

  @Test
  void pendingToCheck_shouldFilterAfterTheLimit_soAPageMayBeEmptyAndStillHaveANext() {
    List<JobKey> keys = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      keys.add(key(key.tenant(), key.jobId() + "-" + i));
      store.recordSubmitted(keys.get(i), "m", "p", T0.plusSeconds(i));
    }
    store.deferPending(keys.get(0), T0.plusSeconds(100), "timeout");
    store.deferPending(keys.get(1), T0.plusSeconds(10), "HTTP 429");
    Instant before = T0.plusSeconds(50);

    JobPage first = store.pendingToCheck(before, T0.plusSeconds(20), true, 2, null);

    assertEquals(List.of(), first.jobs());
    assertTrue(first.next().isPresent());
    assertEquals(
        List.of(keys.get(2)),
        all(c -> store.pendingToCheck(before, T0.plusSeconds(20), true, 2, c)));
    assertEquals(
        List.of(keys.get(1)),
        all(c -> store.pendingToCheck(before, T0.plusSeconds(20), false, 2, c)),
        "only the check due by now");
    assertEquals(keys, all(c -> store.pendingUpdatedBefore(before, 2, c)));
  }

  // --- the downloader ---

  @Test
  void markStored_shouldStoreAJobWaitingForItsVideo_once() throws Exception {
    store.recordDelivery(delivery(EventType.COMPLETED));

    assertEquals(
        StoreOutcome.STORED,
        store.markStored(lease(key), "videos", List.of(VIDEO), T0.plusSeconds(2)));
    assertEquals(
        StoreOutcome.ALREADY_STORED,
        store.markStored(notGranted(key), "other", List.of(VIDEO), T0.plusSeconds(3)));

    Job job = store.find(key).orElseThrow();
    assertEquals(new Job.StoredVideos("videos", List.of(VIDEO)), job.stored());
    assertEquals(T0.plusSeconds(2), job.times().storedAt());
    assertEquals(Optional.of(JobStatus.STORED), store.status(key));
  }

  @Test
  void markStored_shouldStoreARedrivenDownloadFailure_andRefuseAnyOtherState() {
    JobKey redriven = key(key.tenant(), key.jobId() + "-redriven");
    put(job(redriven, JobStatus.DOWNLOAD_FAILED, T0));
    put(job(key, JobStatus.PENDING, T0));

    assertEquals(
        StoreOutcome.STORED, store.markStored(lease(redriven), "videos", List.of(VIDEO), T0));
    assertEquals(
        StoreOutcome.NOT_COMPLETED,
        store.markStored(notGranted(key), "videos", List.of(VIDEO), T0));
    assertEquals(
        StoreOutcome.NOT_COMPLETED,
        store.markStored(
            notGranted(key(key.tenant(), "never-seen")), "videos", List.of(VIDEO), T0));
    assertTrue(store.find(key(key.tenant(), "never-seen")).isEmpty(), "nothing created");
    assertTrue(store.status(key(key.tenant(), "never-seen")).isEmpty());
  }

  @Test
  void claimDownload_shouldGrantExactlyOneLease_whenManyThreadsClaimTheSameJob() throws Exception {
    put(job(key, JobStatus.COMPLETED, T0));
    List<Callable<LeaseClaim>> claims = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      claims.add(() -> store.claimDownload(key, T0, T0.plusSeconds(60)));
    }

    List<LeaseClaim> outcomes = atOnce(claims);

    assertEquals(1, outcomes.stream().filter(LeaseClaim.Granted.class::isInstance).count());
    assertEquals(THREADS - 1, outcomes.stream().filter(LeaseClaim.Held.class::isInstance).count());
    assertEquals(Optional.of(JobStatus.COMPLETED), store.status(key), "a claim changes no status");
  }

  @Test
  void claimDownload_shouldRefuseAJobNotWaitingForItsVideo() {
    put(job(key, JobStatus.PENDING, T0));

    assertEquals(
        new LeaseClaim.NotWaiting(Optional.of(JobStatus.PENDING)),
        store.claimDownload(key, T0, T0.plusSeconds(60)));
    assertEquals(
        new LeaseClaim.NotWaiting(Optional.empty()),
        store.claimDownload(key(key.tenant(), "never-seen"), T0, T0.plusSeconds(60)));
    assertTrue(store.find(key(key.tenant(), "never-seen")).isEmpty(), "nothing created");
  }

  @Test
  void markStored_shouldBeRefused_withoutTheLease() {
    put(job(key, JobStatus.COMPLETED, T0));
    DownloadLease holder = lease(key);

    assertEquals(
        StoreOutcome.NOT_LEASED, store.markStored(notGranted(key), "videos", List.of(VIDEO), T0));
    assertEquals(JobStatus.COMPLETED, store.find(key).orElseThrow().status());
    assertEquals(StoreOutcome.STORED, store.markStored(holder, "videos", List.of(VIDEO), T0));
  }

  @Test
  void expiredLease_shouldBeTakenOver_andItsFormerHoldersWritesRefused() {
    put(job(key, JobStatus.COMPLETED, T0));
    DownloadLease first = lease(key);
    assertInstanceOf(LeaseClaim.Held.class, store.claimDownload(key, T0, T0.plusSeconds(30)));

    LeaseClaim later = store.claimDownload(key, T0.plusSeconds(60), T0.plusSeconds(120));

    DownloadLease second = assertInstanceOf(LeaseClaim.Granted.class, later).lease();
    assertEquals(StoreOutcome.NOT_LEASED, store.markStored(first, "videos", List.of(VIDEO), T0));
    store.recordDownloadFailure(first, "late", T0.plusSeconds(61), 1);
    assertEquals(Job.DownloadAttempts.NONE, store.find(key).orElseThrow().download());
    assertEquals(StoreOutcome.STORED, store.markStored(second, "videos", List.of(VIDEO), T0));
  }

  @Test
  void releaseDownload_shouldFreeTheJob_forTheNextClaim() {
    put(job(key, JobStatus.COMPLETED, T0));
    DownloadLease held = lease(key);

    assertTrue(store.releaseDownload(held));
    assertFalse(store.releaseDownload(held), "released once");
    assertInstanceOf(LeaseClaim.Granted.class, store.claimDownload(key, T0, T0.plusSeconds(60)));
  }

  @Test
  void recordDownloadFailure_shouldCountAttemptsAndGiveUpAtTheLimit_whenTheJobIsCompleted()
      throws Exception {
    store.recordDelivery(delivery(EventType.COMPLETED));

    store.recordDownloadFailure(lease(key), "HTTP 503", T0.plusSeconds(2), 2);
    Job once = store.find(key).orElseThrow();
    assertEquals(JobStatus.COMPLETED, once.status());
    assertEquals(new Job.DownloadAttempts(1, "HTTP 503"), once.download());

    store.recordDownloadFailure(lease(key), "HTTP 504", T0.plusSeconds(3), 2);
    Job twice = store.find(key).orElseThrow();
    assertEquals(JobStatus.DOWNLOAD_FAILED, twice.status());
    assertEquals(new Job.DownloadAttempts(2, "HTTP 504"), twice.download());
    assertEquals(T0.plusSeconds(3), twice.times().updatedAt());
  }

  @Test
  void recordDownloadFailure_shouldCountOnlyTheHoldersAttempt_whenManyThreadsFailAtOnce()
      throws Exception {
    put(job(key, JobStatus.COMPLETED, T0));
    DownloadLease holder = lease(key);
    List<Callable<Boolean>> failures = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      DownloadLease each = i == 0 ? holder : notGranted(key);
      failures.add(
          () -> {
            store.recordDownloadFailure(each, "reset", T0.plusSeconds(1), 1);
            return true;
          });
    }

    atOnce(failures);

    Job job = store.find(key).orElseThrow();
    assertEquals(1, job.download().failedAttempts());
    assertEquals(JobStatus.DOWNLOAD_FAILED, job.status());
  }

  @Test
  void recordDownloadFailure_shouldLeaveAStoredOrUnknownJobAlone() throws Exception {
    store.recordDelivery(delivery(EventType.COMPLETED));
    DownloadLease holder = lease(key);
    store.markStored(holder, "videos", List.of(VIDEO), T0.plusSeconds(2));
    JobKey unknown = key(key.tenant(), "never-seen");

    store.recordDownloadFailure(holder, "late failure", T0.plusSeconds(3), 1);
    store.recordDownloadFailure(notGranted(unknown), "late failure", T0.plusSeconds(3), 1);

    Job job = store.find(key).orElseThrow();
    assertEquals(JobStatus.STORED, job.status());
    assertEquals(Job.DownloadAttempts.NONE, job.download());
    assertTrue(store.find(unknown).isEmpty());
  }

  @Test
  void markDownloadFailed_shouldMarkOnlyAJobWaitingForItsVideo_countingTheAttempt() {
    put(job(key, JobStatus.COMPLETED, T0));
    JobKey pending = key(key.tenant(), key.jobId() + "-pending");
    put(job(pending, JobStatus.PENDING, T0));

    assertTrue(store.markDownloadFailed(lease(key), "refused source", T0.plusSeconds(1)));
    assertTrue(
        store.markDownloadFailed(lease(key), "refused again", T0.plusSeconds(2)), "a redrive's");
    assertFalse(store.markDownloadFailed(notGranted(pending), "refused source", T0.plusSeconds(1)));

    Job job = store.find(key).orElseThrow();
    assertEquals(JobStatus.DOWNLOAD_FAILED, job.status());
    assertEquals(new Job.DownloadAttempts(2, "refused again"), job.download());
    assertEquals(JobStatus.PENDING, store.find(pending).orElseThrow().status());
  }

  /** The job's download lease, a minute long, claimed from the store under test. */
  private DownloadLease lease(JobKey job) {
    return assertInstanceOf(
            LeaseClaim.Granted.class, store.claimDownload(job, T0, T0.plusSeconds(60)))
        .lease();
  }

  /** A lease the store never granted: every write made with it must be refused. */
  private static DownloadLease notGranted(JobKey job) {
    return new DownloadLease(job, "never-granted", T0.plusSeconds(60));
  }

  // --- queries ---

  /** Every page of a status Query, the jobs' keys in the order the pages gave them. */
  private static List<JobKey> all(Function<JobPage.Cursor, JobPage> query) {
    List<JobKey> keys = new ArrayList<>();
    JobPage.Cursor cursor = null;
    do {
      JobPage page = query.apply(cursor);
      page.jobs().forEach(job -> keys.add(job.key()));
      cursor = page.next().orElse(null);
    } while (cursor != null);
    return keys;
  }

  @Test
  void jobsInStatus_shouldPageThroughOldestFirst_beforeTheBoundOnly() {
    List<JobKey> completed = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      JobKey each = key(i % 2 == 0 ? "acme" : "globex", key.jobId() + "-" + (6 - i));
      put(job(each, JobStatus.COMPLETED, T0.plusSeconds(10L * (6 - i))));
      completed.add(0, each);
    }
    put(job(key(key.tenant(), key.jobId() + "-pending"), JobStatus.PENDING, T0));
    Instant before = T0.plusSeconds(60); // the job changed at exactly 60 s is not before it

    List<JobKey> found = all(c -> store.jobsInStatus(JobStatus.COMPLETED, before, 2, c));
    JobPage first = store.jobsInStatus(JobStatus.COMPLETED, before, 2, null);

    assertEquals(completed.subList(0, 6), found);
    assertEquals(completed.subList(0, 2), first.jobs().stream().map(Job::key).toList());
    assertTrue(first.next().isPresent());
  }

  @Test
  void jobsInStatus_shouldRefuseALimitUnderOne() {
    assertThrows(
        IllegalArgumentException.class, () -> store.jobsInStatus(JobStatus.PENDING, T0, 0, null));
  }

  @Test
  void tenantQueries_shouldReadTheTenantsJobsOnly_inTheirOrder() throws Exception {
    List<JobKey> acme = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      acme.add(key("acme", key.jobId() + "-" + i));
      put(
          job(acme.get(i), JobStatus.COMPLETED, T0.plusSeconds(i)).toBuilder()
              .prompt("p" + i)
              .usage(new Usage(new BigDecimal("0.4"), false))
              .build());
    }
    put(job(key("globex", key.jobId() + "-g"), JobStatus.COMPLETED, T0.plusSeconds(2)));
    store.recordDelivery(delivery(acme.get(0), EventType.FAILED, null)); // a late delivery item

    assertEquals(
        List.of(acme.get(3), acme.get(2)),
        store.recentJobs("acme", 2).stream().map(Job::key).toList());
    assertEquals(
        List.of(acme.get(3), acme.get(2), acme.get(1)),
        store.jobsUpdatedSince("acme", T0.plusSeconds(1)).stream().map(Job::key).toList());
    List<Job> costs = new ArrayList<>();
    store.forEachJobCost("acme", T0.plusSeconds(1), costs::add);
    assertEquals(
        List.of(acme.get(1), acme.get(2), acme.get(3)), costs.stream().map(Job::key).toList());
    Job cost = costs.get(0);
    assertEquals(new Usage(new BigDecimal("0.4"), false), cost.usage());
    assertEquals(JobStatus.COMPLETED, cost.status());
    assertNull(cost.prompt(), "a cost report reads no prompt");
    assertEquals(List.of(), cost.unsignedUrls());
  }
}
