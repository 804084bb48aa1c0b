package dev.videohook.webhook;

import static dev.videohook.webhook.JobTableAssertions.allItems;
import static dev.videohook.webhook.JobTableAssertions.itemsOfType;
import static dev.videohook.webhook.SignedRequests.SECRET;
import static dev.videohook.webhook.SignedRequests.T;
import static dev.videohook.webhook.SignedRequests.bytes;
import static dev.videohook.webhook.SignedRequests.completedBody;
import static dev.videohook.webhook.SignedRequests.failedBody;
import static dev.videohook.webhook.SignedRequests.signed;
import static dev.videohook.webhook.SignedRequests.withSignature;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.job.DeliveryRecord;
import dev.videohook.job.Job;
import dev.videohook.job.JobItems;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.JobTable;
import dev.videohook.job.StoreOutcome;
import dev.videohook.job.TestJobs;
import dev.videohook.local.LoopbackPort;
import dev.videohook.local.MotoServer;
import dev.videohook.provider.Provider;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.signature.SignatureVerifier;
import dev.videohook.testing.SharedMoto;
import dev.videohook.testing.StubSecrets;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The receiver end to end on moto: real conditional writes, really evaluated. */
class WebhookHandlerTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(T), ZoneOffset.UTC);
  private static final String ROTATED_OUT = "previous_secret";

  private DynamoDbClient dynamoDb;
  private String table;
  private WebhookHandler handler;

  @BeforeEach
  void newTable() {
    dynamoDb = SharedMoto.get().client();
    table = SharedMoto.newJobTable();
    handler = handler(dynamoDb, table, secrets(List.of(SECRET, ROTATED_OUT)));
  }

  /** The same secrets for every tenant and provider, or per tenant where a test needs it. */
  private static TenantSecrets secrets(List<String> accepted) {
    return secrets((tenant, provider) -> accepted);
  }

  private static TenantSecrets secrets(BiFunction<String, Provider, List<String>> byTenant) {
    return StubSecrets.signing(byTenant);
  }

  private static WebhookHandler handler(
      DynamoDbClient client, String table, TenantSecrets secrets) {
    JobStore store = new JobStore(client, table, JobStore.DEFAULT_DELIVERY_TTL);
    return new WebhookHandler(
        new WebhookReceiver(store, secrets, Duration.ofSeconds(300), 64 * 1024, CLOCK));
  }

  private int status(HttpApiRequest event) {
    return HttpApiEvents.status(handler, event);
  }

  private Job job(String tenant, Provider provider, String jobId) {
    return new JobStore(dynamoDb, table)
        .find(new JobKey(tenant, provider, jobId))
        .orElseThrow(() -> new AssertionError("no job item for " + jobId));
  }

  /** The first terminal delivery, as the job item keeps it. */
  private DeliveryRecord terminalDelivery(String tenant, Provider provider, String jobId) {
    return new JobStore(dynamoDb, table)
        .terminalDelivery(new JobKey(tenant, provider, jobId))
        .orElseThrow(() -> new AssertionError("no terminal delivery on the job " + jobId));
  }

  /** Every delivery record in the table. */
  private List<DeliveryRecord> deliveries() {
    return itemsOfType(dynamoDb, table, JobTable.ITEM_TYPE_DELIVERY).stream()
        .map(item -> JobItems.delivery(item).orElseThrow())
        .toList();
  }

  // --- events/ fixtures, the same files `sam local invoke` takes ---

  @Test
  void completedEvent_isRecordedWithEveryFieldOfData_andTheRawEvent() {
    HttpApiRequest event = HttpApiEvents.load("events/openrouter-completed.json");

    assertEquals(204, status(event));

    Job job = job("$default", Provider.OPENROUTER, "Nxff2D1Z6w4Zk9iNuZam");
    assertEquals(JobStatus.COMPLETED, job.status());
    assertEquals("gen-1764143990-abc", job.generationId());
    assertEquals("google/veo-3.1-lite", job.model());
    assertEquals(
        List.of("https://storage.example.com/videos/Nxff2D1Z6w4Zk9iNuZam/0.mp4"),
        job.unsignedUrls());
    assertEquals(new BigDecimal("0.4"), job.usage().cost());
    assertFalse(job.usage().byok());
    assertEquals(Provider.OPENROUTER, job.provider());
    assertEquals("$default", job.tenant());
    assertEquals(Instant.ofEpochSecond(T), job.times().terminalAt());

    // one write: the job item itself keeps the first terminal delivery, raw event included
    DeliveryRecord delivery =
        terminalDelivery("$default", Provider.OPENROUTER, "Nxff2D1Z6w4Zk9iNuZam");
    assertEquals(event.body(), delivery.rawEvent());
    assertEquals("Nxff2D1Z6w4Zk9iNuZam-completed", delivery.dedupeKey());
    assertEquals("Nxff2D1Z6w4Zk9iNuZam-completed", job.terminalDelivery());
    assertEquals("completed", delivery.eventStatus());
    assertEquals(Instant.ofEpochSecond(T), delivery.receivedAt());
    assertTrue(deliveries().isEmpty());
    assertEquals(1, allItems(dynamoDb, table).size());
  }

  @Test
  void failedEvent_isRecordedWithItsError() {
    assertEquals(204, status(HttpApiEvents.load("events/openrouter-failed.json")));

    Job job = job("$default", Provider.OPENROUTER, "Pq7rS9tU1vW3xY5zA7bC");
    assertEquals(JobStatus.FAILED, job.status());
    assertEquals("The prompt was rejected by the model's safety filter.", job.error());
    assertEquals(BigDecimal.ZERO, job.usage().cost());
  }

  @Test
  void stagedEvent_isRecordedForTheStagesTenant_withTheProvidersHeaders() {
    assertEquals(204, status(HttpApiEvents.load("events/modelgates-completed.json")));

    Job job = job("acme", Provider.MODELGATES, "mg_7Hk2LpQ9rT4wXz");
    assertEquals("acme", job.tenant());
    assertEquals(Provider.MODELGATES, job.provider());
  }

  @Test
  void base64Event_isVerifiedOnTheDecodedBytes_andStoredDecoded() {
    HttpApiRequest event = HttpApiEvents.load("events/modelgates-completed-base64.json");

    assertEquals(204, status(event));

    String decoded = new String(Base64.getDecoder().decode(event.body()), StandardCharsets.UTF_8);
    assertEquals(
        decoded, terminalDelivery("acme", Provider.MODELGATES, "mg_B64bodyJob0001").rawEvent());
    assertEquals(
        JobStatus.COMPLETED, job("acme", Provider.MODELGATES, "mg_B64bodyJob0001").status());
  }

  @Test
  void badSignatureEvent_gets401_andWritesNothing() {
    assertEquals(401, status(HttpApiEvents.load("events/openrouter-bad-signature.json")));

    assertTrue(allItems(dynamoDb, table).isEmpty());
  }

  // --- exactly once ---

  @Test
  void sameDeliveryTwice_recordsOnce_andBothGet204() {
    HttpApiRequest event = signed(Provider.OPENROUTER, "$default", completedBody("job_twice"));

    assertEquals(204, status(event));
    List<Map<String, AttributeValue>> afterFirst = allItems(dynamoDb, table);
    assertEquals(204, status(event));

    assertEquals(afterFirst, allItems(dynamoDb, table));
    assertEquals(0, itemsOfType(dynamoDb, table, JobTable.ITEM_TYPE_DELIVERY).size());
    assertEquals(1, itemsOfType(dynamoDb, table, JobTable.ITEM_TYPE_JOB).size());
    assertEquals(
        "job_twice-completed",
        job("$default", Provider.OPENROUTER, "job_twice").terminalDelivery());
  }

  @Test
  void sameDeliveryFrom32ThreadsAtOnce_recordsOnce_andEveryCallerGets204() throws Exception {
    HttpApiRequest event = signed(Provider.OPENROUTER, "$default", completedBody("job_racing"));
    int threads = 32;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  return status(event);
                }));
      }
      start.countDown();
      for (Future<Integer> answer : answers) {
        assertEquals(204, answer.get());
      }
    } finally {
      pool.shutdownNow();
    }

    assertEquals(0, itemsOfType(dynamoDb, table, JobTable.ITEM_TYPE_DELIVERY).size());
    assertEquals(1, itemsOfType(dynamoDb, table, JobTable.ITEM_TYPE_JOB).size());
    assertEquals(
        "job_racing-completed",
        job("$default", Provider.OPENROUTER, "job_racing").terminalDelivery());
  }

  @Test
  void idempotencyHeaderIsUnsigned_soTheKeyComesFromTheBody() {
    String body = completedBody("job_header");
    HttpApiRequest first = signed(Provider.OPENROUTER, "$default", body);
    first.headers().put("x-openrouter-idempotency-key", "attacker-chosen-1");
    HttpApiRequest second = signed(Provider.OPENROUTER, "$default", body);
    second.headers().put("x-openrouter-idempotency-key", "attacker-chosen-2");

    assertEquals(204, status(first));
    assertEquals(204, status(second));

    assertTrue(deliveries().isEmpty());
    DeliveryRecord delivery = terminalDelivery("$default", Provider.OPENROUTER, "job_header");
    assertEquals("job_header-completed", delivery.dedupeKey());
    assertEquals("attacker-chosen-1", delivery.idempotencyHeader());
  }

  // --- a terminal state is final ---

  @Test
  void completedThenFailed_keepsCompleted_andAcknowledgesBoth() {
    assertEquals(204, status(signed(Provider.OPENROUTER, "$default", completedBody("job_final"))));
    assertEquals(204, status(signed(Provider.OPENROUTER, "$default", failedBody("job_final"))));

    Job job = job("$default", Provider.OPENROUTER, "job_final");
    assertEquals(JobStatus.COMPLETED, job.status());
    assertNull(job.error());
    assertEquals("job_final-completed", job.terminalDelivery());
    // the late event is kept for audit as a delivery item of its own, expiring through TTL
    List<DeliveryRecord> deliveries = deliveries();
    assertEquals(1, deliveries.size());
    assertEquals("job_final-failed", deliveries.get(0).dedupeKey());
    assertEquals(failedBody("job_final"), deliveries.get(0).rawEvent());
    assertEquals(Instant.ofEpochSecond(T).plus(Duration.ofDays(30)), deliveries.get(0).expiresAt());

    // the late event again: a duplicate, nothing changes
    List<Map<String, AttributeValue>> before = allItems(dynamoDb, table);
    assertEquals(204, status(signed(Provider.OPENROUTER, "$default", failedBody("job_final"))));
    assertEquals(before, allItems(dynamoDb, table));
  }

  @Test
  void storedJob_staysStored_whenItsCompletedEventOrALateFailureIsReplayed() {
    HttpApiRequest event = signed(Provider.OPENROUTER, "$default", completedBody("job_stored"));
    assertEquals(204, status(event));
    JobStore store = new JobStore(dynamoDb, table);
    JobKey key = new JobKey("$default", Provider.OPENROUTER, "job_stored");
    assertEquals(
        StoreOutcome.STORED,
        store.markStored(
            TestJobs.lease(store, key, Instant.ofEpochSecond(T)),
            "videos",
            List.of(),
            Instant.ofEpochSecond(T)));
    // the job item keeps its terminal delivery for good (no TTL): the replay is a known duplicate
    List<Map<String, AttributeValue>> before = allItems(dynamoDb, table);

    assertEquals(204, status(event));

    assertEquals(before, allItems(dynamoDb, table));
    assertEquals(204, status(signed(Provider.OPENROUTER, "$default", failedBody("job_stored"))));
    assertEquals(JobStatus.STORED, job("$default", Provider.OPENROUTER, "job_stored").status());
    assertEquals(1, deliveries().size());
  }

  @Test
  void pendingJob_takesItsTerminalState_andKeepsWhatSubmitRecorded() {
    new JobStore(dynamoDb, table)
        .recordSubmitted(
            new JobKey("$default", Provider.OPENROUTER, "job_pending"),
            "google/veo-3.1-lite",
            "a desk lamp",
            Instant.ofEpochSecond(T - 60));

    assertEquals(
        204, status(signed(Provider.OPENROUTER, "$default", completedBody("job_pending"))));

    Job job = job("$default", Provider.OPENROUTER, "job_pending");
    assertEquals(JobStatus.COMPLETED, job.status());
    assertEquals("a desk lamp", job.prompt());
  }

  // --- bad requests change nothing ---

  static Stream<Arguments> rejectedRequests() {
    String good = completedBody("job_rejected");
    String now = Long.toString(T);
    return Stream.of(
        Arguments.of(
            "no signature header", withSignature(Provider.OPENROUTER, "$default", good, null), 401),
        Arguments.of(
            "signed with another secret",
            withSignature(
                Provider.OPENROUTER,
                "$default",
                good,
                SignatureVerifier.signatureHeader("wrong", T, bytes(good))),
            401),
        Arguments.of(
            "stale timestamp",
            withSignature(
                Provider.OPENROUTER,
                "$default",
                good,
                SignatureVerifier.signatureHeader(SECRET, T - 301, bytes(good))),
            401),
        Arguments.of(
            "future timestamp",
            withSignature(
                Provider.OPENROUTER,
                "$default",
                good,
                SignatureVerifier.signatureHeader(SECRET, T + 301, bytes(good))),
            401),
        Arguments.of(
            "malformed header",
            withSignature(Provider.OPENROUTER, "$default", good, "t=" + now + ",v1=nothex"),
            401),
        Arguments.of(
            "body changed after signing",
            withSignature(
                Provider.OPENROUTER,
                "$default",
                good + " ",
                SignatureVerifier.signatureHeader(SECRET, T, bytes(good))),
            401),
        Arguments.of(
            "other provider's header name",
            withHeader(signed(Provider.MODELGATES, "$default", good), Provider.OPENROUTER),
            401),
        Arguments.of(
            "signed, but not JSON", signed(Provider.OPENROUTER, "$default", "not json"), 400),
        Arguments.of(
            "signed, but a JSON array", signed(Provider.OPENROUTER, "$default", "[1,2]"), 400),
        Arguments.of(
            "signed, but no data",
            signed(Provider.OPENROUTER, "$default", "{\"type\":\"video.generation.completed\"}"),
            400),
        Arguments.of(
            "signed, but no data.id",
            signed(
                Provider.OPENROUTER,
                "$default",
                "{\"type\":\"video.generation.completed\",\"data\":{\"status\":\"completed\"}}"),
            400),
        Arguments.of(
            "signed, but status disagrees with type",
            signed(
                Provider.OPENROUTER,
                "$default",
                "{\"type\":\"video.generation.completed\",\"data\":{\"id\":\"j\",\"status\":\"failed\"}}"),
            400),
        Arguments.of(
            "signed, but unknown status",
            signed(
                Provider.OPENROUTER,
                "$default",
                "{\"type\":\"video.generation.completed\",\"data\":{\"id\":\"j\",\"status\":\"done\"}}"),
            400),
        Arguments.of(
            "signed, but unsigned_urls not an array",
            signed(
                Provider.OPENROUTER,
                "$default",
                "{\"type\":\"video.generation.completed\",\"data\":{\"id\":\"j\",\"status\":\"completed\",\"unsigned_urls\":\"x\"}}"),
            400),
        Arguments.of(
            "body over 64 KiB",
            signed(Provider.OPENROUTER, "$default", "{\"pad\":\"" + "x".repeat(64 * 1024) + "\"}"),
            413),
        Arguments.of(
            "not a webhook path",
            SignedRequests.event("/openrouter/other", "$default", new HashMap<>(), good),
            404));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("rejectedRequests")
  void rejectedRequest_getsItsStatus_andLeavesTheTableUnchanged(
      String description, HttpApiRequest event, int expectedStatus) {
    assertEquals(204, status(signed(Provider.OPENROUTER, "$default", completedBody("job_before"))));
    List<Map<String, AttributeValue>> before = allItems(dynamoDb, table);

    assertEquals(expectedStatus, status(event), description);

    assertEquals(before, allItems(dynamoDb, table), description);
  }

  @Test
  void previousSecret_isAcceptedWhileRotating() {
    String body = completedBody("job_rotated");
    HttpApiRequest event =
        withSignature(
            Provider.OPENROUTER,
            "$default",
            body,
            SignatureVerifier.signatureHeader(ROTATED_OUT, T, bytes(body)));

    assertEquals(204, status(event));
  }

  @Test
  void noSecretForTenant_gets503_andWritesNothing() {
    WebhookHandler unconfigured =
        handler(
            dynamoDb,
            table,
            secrets((tenant, provider) -> tenant.equals("acme") ? List.of(SECRET) : List.of()));

    int status =
        HttpApiEvents.status(
            unconfigured, signed(Provider.OPENROUTER, "globex", completedBody("job_x")));

    assertEquals(503, status);
    assertTrue(allItems(dynamoDb, table).isEmpty());
  }

  @Test
  void refusedResponses_carryNoReason() {
    Map<String, Object> response =
        HttpApiEvents.invoke(handler, HttpApiEvents.load("events/openrouter-bad-signature.json"));

    assertEquals(Map.of("statusCode", 401), response);
  }

  // --- storage failure is never acknowledged ---

  @Test
  void unreachableDynamoDb_gets5xx_neverAnAcknowledgement() {
    URI closedPort = URI.create("http://127.0.0.1:" + LoopbackPort.free());
    try (DynamoDbClient unreachable =
        MotoServer.configure(DynamoDbClient.builder(), closedPort).build()) {
      WebhookHandler cut = handler(unreachable, table, secrets(List.of(SECRET)));

      int status =
          HttpApiEvents.status(
              cut, signed(Provider.OPENROUTER, "$default", completedBody("job_down")));

      assertEquals(500, status);
    }
  }

  @Test
  void missingTable_gets5xx_neverAnAcknowledgement() {
    WebhookHandler cut = handler(dynamoDb, "no-such-table", secrets(List.of(SECRET)));

    int status =
        HttpApiEvents.status(
            cut, signed(Provider.OPENROUTER, "$default", completedBody("job_gone")));

    assertEquals(500, status);
  }

  private static HttpApiRequest withHeader(HttpApiRequest modelGatesSigned, Provider target) {
    // a ModelGates-style signature header sent to the OpenRouter path
    HttpApiRequest event =
        SignedRequests.event(
            target.webhookPath(), "$default", modelGatesSigned.headers(), modelGatesSigned.body());
    return event;
  }
}
