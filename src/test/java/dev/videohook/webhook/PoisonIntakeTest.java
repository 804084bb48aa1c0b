package dev.videohook.webhook;

import static dev.videohook.webhook.JobTableAssertions.allItems;
import static dev.videohook.webhook.JobTableAssertions.itemsOfType;
import static dev.videohook.webhook.SignedRequests.SECRET;
import static dev.videohook.webhook.SignedRequests.T;
import static dev.videohook.webhook.SignedRequests.completedBody;
import static dev.videohook.webhook.SignedRequests.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.job.DeliveryRecord;
import dev.videohook.job.Job;
import dev.videohook.job.JobItems;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.JobTable;
import dev.videohook.provider.Provider;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.testing.SharedMoto;
import dev.videohook.testing.StubSecrets;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Poison-proof intake on moto: a validly signed event is recorded (204) or refused (400), never a
 * 5xx the provider would retry forever; what is written is exactly the stored record.
 */
class PoisonIntakeTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(T), ZoneOffset.UTC);

  private DynamoDbClient dynamoDb;
  private String table;

  @BeforeEach
  void newTable() {
    dynamoDb = SharedMoto.get().client();
    table = SharedMoto.newJobTable();
  }

  private WebhookHandler handler(int maxBodyBytes) {
    TenantSecrets secrets = StubSecrets.signing(SECRET);
    return new WebhookHandler(
        new WebhookReceiver(
            new JobStore(dynamoDb, table, JobStore.DEFAULT_DELIVERY_TTL),
            secrets,
            Duration.ofSeconds(300),
            maxBodyBytes,
            CLOCK));
  }

  private int status(String body) {
    return HttpApiEvents.status(
        handler(ReceiverConfig.DEFAULT_MAX_BODY_BYTES),
        signed(Provider.OPENROUTER, "$default", body));
  }

  private Job job(String jobId) {
    return new JobStore(dynamoDb, table)
        .find(new JobKey("$default", Provider.OPENROUTER, jobId))
        .orElseThrow(() -> new AssertionError("no job item for " + jobId));
  }

  private static String completed(String jobId, String moreData) {
    return "{\"type\":\"video.generation.completed\",\"created_at\":\"2025-11-26T08:00:00Z\","
        + "\"data\":{\"id\":\""
        + jobId
        + "\",\"status\":\"completed\""
        + moreData
        + "}}";
  }

  private static String withCost(String cost) {
    return completed("job_cost", ",\"usage\":{\"cost\":" + cost + ",\"is_byok\":false}");
  }

  private static String urls(int count, int length) {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String base = "https://cdn.example.com/" + i + "/";
      urls.add("\"" + base + "x".repeat(Math.max(0, length - base.length())) + "\"");
    }
    return ",\"unsigned_urls\":[" + String.join(",", urls) + "]";
  }

  // --- refused with 400, nothing written ---

  static Stream<Arguments> refusedEvents() {
    return Stream.of(
        Arguments.of("data.id of 257 characters", completed("j".repeat(257), "")),
        Arguments.of("data.id with a slash", completed("a/b", "")),
        Arguments.of("data.id with a key separator", completed("a#b", "")),
        Arguments.of("data.id with a space", completed("a b", "")),
        Arguments.of("data.id with a control character", completed("a\\u0000b", "")),
        Arguments.of("data.id that is a dot segment", completed("..", "")),
        Arguments.of("data.id that is empty", completed("", "")),
        Arguments.of(
            "data.id that is a number",
            "{\"type\":\"video.generation.completed\",\"data\":{\"id\":7,\"status\":\"completed\"}}"),
        Arguments.of("17 unsigned_urls", completed("job_urls", urls(17, 40))),
        Arguments.of("an unsigned_url of 2049 characters", completed("job_urls", urls(1, 2049))),
        Arguments.of("an exponent beyond an int", withCost("1e10000000000")),
        Arguments.of("a number of 1001 digits", withCost("1" + "0".repeat(1000))),
        Arguments.of(
            "JSON nested 2000 deep",
            completed("job_deep", ",\"model\":" + "[".repeat(2000) + "]".repeat(2000))),
        Arguments.of(
            "a lone surrogate in a URL",
            completed("job_urls", ",\"unsigned_urls\":[\"https://a/\\ud800\"]")));
  }

  @ParameterizedTest(name = "{0} -> 400")
  @MethodSource("refusedEvents")
  void refusedEvent_gets400_andWritesNothing(String description, String body) {
    assertEquals(204, status(completedBody("job_before")));
    List<Map<String, AttributeValue>> before = allItems(dynamoDb, table);

    assertEquals(400, status(body), description);

    assertEquals(before, allItems(dynamoDb, table), description);
  }

  @Test
  void longestAllowedIdAndUrls_areRecorded() {
    String id = "a".repeat(256);

    assertEquals(204, status(completed(id, urls(16, 2048))));

    assertEquals(16, job(id).unsignedUrls().size());
    assertEquals(2048, job(id).unsignedUrls().get(15).length());
  }

  /**
   * A URL no download can fetch (here a control character and a space) is still the provider's
   * signed verdict that the job completed: it is recorded, so the job's end is known, and the
   * downloader refuses the URL at its first try, marking the job download_failed with the reason
   * (DownloadHandlerTest). A 400 would lose the verdict of a job videohook did not submit and leave
   * a submitted one pending until the reconciler.
   */
  @Test
  void unsignedUrlThatIsNotAUrl_isRecorded_soTheProvidersVerdictIsKept() {
    String body =
        completed(
            "job_bad_url",
            ",\"unsigned_urls\":[\"https://cdn.example.com/a\\u0001b.mp4\","
                + "\"https://cdn.example.com/my video.mp4\"]");

    assertEquals(204, status(body));

    Job job = job("job_bad_url");
    assertEquals(JobStatus.COMPLETED, job.status());
    assertEquals(
        List.of("https://cdn.example.com/a\u0001b.mp4", "https://cdn.example.com/my video.mp4"),
        job.unsignedUrls());
    assertRawEventKept("job_bad_url", body);
  }

  // --- informational fields drift: 204, what fits is stored, the raw event keeps the rest ---

  static Stream<Arguments> unstorableCosts() {
    return Stream.of(
        Arguments.of("1e200"),
        Arguments.of("-1e200"),
        Arguments.of("1e-200"),
        Arguments.of("1E+126"),
        Arguments.of("1e-131"),
        Arguments.of("1e1000000000"),
        Arguments.of("-1e-1000000000"),
        Arguments.of("12345678901234567890123456789012345678901"),
        Arguments.of("0.12345678901234567890123456789012345678901"),
        Arguments.of("\"0.4\""),
        Arguments.of("true"),
        Arguments.of("{\"usd\":0.4}"));
  }

  @ParameterizedTest(name = "usage.cost {0} -> 204, cost dropped")
  @MethodSource("unstorableCosts")
  void costDynamoDbCannotHold_isDropped_andTheJobRecorded(String cost) {
    String body = withCost(cost);

    assertEquals(204, status(body));

    Job job = job("job_cost");
    assertEquals(JobStatus.COMPLETED, job.status());
    assertNull(job.usage().cost());
    assertEquals(Boolean.FALSE, job.usage().byok());
    assertRawEventKept("job_cost", body);
  }

  static Stream<Arguments> storableCosts() {
    return Stream.of(
        Arguments.of("9.9999999999999999999999999999999999999E+125"),
        Arguments.of("1E-130"),
        Arguments.of("12345678901234567890123456789012345678"),
        Arguments.of("0.40000000000000000000000000000000000000000"),
        Arguments.of("0"),
        Arguments.of("0e1000000000"));
  }

  @ParameterizedTest(name = "usage.cost {0} -> stored")
  @MethodSource("storableCosts")
  void costAtDynamoDbsLimits_isStored(String cost) {
    assertEquals(204, status(withCost(cost)));

    assertEquals(0, new BigDecimal(cost).compareTo(job("job_cost").usage().cost()));
  }

  static Stream<Arguments> driftedFields() {
    return Stream.of(
        Arguments.of(
            "model is an object",
            ",\"model\":{\"slug\":\"veo\"}",
            (Consumer<Job>) job -> assertEquals("{\"slug\":\"veo\"}", job.model())),
        Arguments.of(
            "model is a huge number",
            ",\"model\":1e1000000000",
            (Consumer<Job>) job -> assertEquals("1E+1000000000", job.model())),
        Arguments.of(
            "generation_id is a number",
            ",\"generation_id\":42",
            (Consumer<Job>) job -> assertEquals("42", job.generationId())),
        Arguments.of(
            "error is an object",
            ",\"error\":{\"code\":7}",
            (Consumer<Job>) job -> assertEquals("{\"code\":7}", job.error())),
        Arguments.of(
            "error of 10000 characters",
            ",\"error\":\"" + "e".repeat(10_000) + "\"",
            (Consumer<Job>) job -> assertEquals("e".repeat(4096), job.error())),
        Arguments.of(
            "model with a lone surrogate",
            ",\"model\":\"veo\\ud800\"",
            (Consumer<Job>) job -> assertEquals("veo\uFFFD", job.model())),
        Arguments.of(
            "usage is a string",
            ",\"usage\":\"0.4\"",
            (Consumer<Job>) job -> assertNull(job.usage().cost())),
        Arguments.of(
            "is_byok is a string",
            ",\"usage\":{\"cost\":0.4,\"is_byok\":\"no\"}",
            (Consumer<Job>)
                job -> {
                  assertNull(job.usage().byok());
                  assertEquals(new BigDecimal("0.4"), job.usage().cost());
                }));
  }

  @ParameterizedTest(name = "{0} -> 204, stored what fits")
  @MethodSource("driftedFields")
  void driftedInformationalField_isStoredAsItFits_andTheJobRecorded(
      String description, String field, Consumer<Job> check) {
    String body = completed("job_drift", field);

    assertEquals(204, status(body), description);

    Job job = job("job_drift");
    assertEquals(JobStatus.COMPLETED, job.status());
    check.accept(job);
    assertRawEventKept("job_drift", body);
    assertEquals(1, allItems(dynamoDb, table).size());
  }

  @Test
  void createdAtOfAnotherType_isStringified_andTheJobRecorded() {
    String body =
        "{\"type\":\"video.generation.failed\",\"created_at\":1764144000,"
            + "\"data\":{\"id\":\"job_time\",\"status\":\"failed\",\"error\":null}}";

    assertEquals(204, status(body));

    Job job = job("job_time");
    assertEquals(JobStatus.FAILED, job.status());
    assertEquals("1764144000", job.eventCreatedAt());
    assertNull(job.error());
  }

  private void assertRawEventKept(String jobId, String body) {
    DeliveryRecord first =
        new JobStore(dynamoDb, table)
            .terminalDelivery(new JobKey("$default", Provider.OPENROUTER, jobId))
            .orElseThrow();
    assertEquals(body, first.rawEvent());
  }

  // --- unknown event types: kept raw, no job changed ---

  @Test
  void unknownEventType_isKeptRaw_asOneDeliveryRecord_andChangesNoJob() {
    assertEquals(204, status(completedBody("job_known")));
    List<Map<String, AttributeValue>> jobsBefore =
        itemsOfType(dynamoDb, table, JobTable.ITEM_TYPE_JOB);
    String body =
        "{\"type\":\"video.generation.progress\",\"data\":{\"id\":\"job_known\",\"percent\":40}}";

    assertEquals(204, status(body));

    assertEquals(jobsBefore, itemsOfType(dynamoDb, table, JobTable.ITEM_TYPE_JOB));
    List<DeliveryRecord> deliveries =
        itemsOfType(dynamoDb, table, JobTable.ITEM_TYPE_DELIVERY).stream()
            .map(item -> JobItems.delivery(item).orElseThrow())
            .toList();
    assertEquals(1, deliveries.size());
    DeliveryRecord kept = deliveries.get(0);
    assertEquals(body, kept.rawEvent());
    assertEquals("video.generation.progress", kept.eventStatus());
    assertEquals("job_known", kept.job().jobId());
    assertEquals(Instant.ofEpochSecond(T).plus(Duration.ofDays(30)), kept.expiresAt());

    // the same body again is a duplicate
    List<Map<String, AttributeValue>> before = allItems(dynamoDb, table);
    assertEquals(204, status(body));
    assertEquals(before, allItems(dynamoDb, table));
  }

  @Test
  void unknownEventType_withoutAUsableId_isKeptRaw() {
    String body = "{\"type\":\"video.generation.queued\",\"data\":{\"id\":\"a/b\"}}";

    assertEquals(204, status(body));

    List<Map<String, AttributeValue>> items = allItems(dynamoDb, table);
    assertEquals(1, items.size());
    DeliveryRecord kept = JobItems.delivery(items.get(0)).orElseThrow();
    assertEquals(body, kept.rawEvent());
    assertEquals("", kept.job().jobId());
  }

  // --- DynamoDB refusing the values is a bad event, not a storage failure ---

  @Test
  void eventTooLargeForOneItem_gets400_notA5xx_andWritesNothing() {
    // a receiver whose cap exceeds what one item holds (ReceiverConfig never allows one): the
    // item would pass DynamoDB's 400 KB, so the store refuses it by its own size check before any
    // write, and the receiver answers 400, not a 5xx retry loop. What this proves is that check:
    // moto, unlike DynamoDB, would leave a keys-only item behind from a refused update
    WebhookHandler oversized = handler(1024 * 1024);
    String body = completed("job_big", ",\"padding\":\"" + "p".repeat(450 * 1024) + "\"");

    int status = HttpApiEvents.status(oversized, signed(Provider.OPENROUTER, "$default", body));

    assertEquals(400, status);
    assertTrue(allItems(dynamoDb, table).isEmpty());
  }

  @Test
  void largestConfigurableBody_fitsOneItem_withTheLongestFields() {
    int cap = 256 * 1024;
    WebhookHandler largest = handler(cap);
    String fields =
        urls(16, 2048)
            + ",\"model\":\""
            + "m".repeat(1024)
            + "\",\"generation_id\":\""
            + "g".repeat(1024)
            + "\",\"error\":\""
            + "e".repeat(4096)
            + "\"";
    String unpadded = completed("i".repeat(256), fields + ",\"padding\":\"\"");
    String body =
        completed(
            "i".repeat(256),
            fields + ",\"padding\":\"" + "p".repeat(cap - unpadded.length()) + "\"");
    assertEquals(cap, body.length());

    int status = HttpApiEvents.status(largest, signed(Provider.OPENROUTER, "$default", body));

    assertEquals(204, status);
    assertRawEventKept("i".repeat(256), body);
  }
}
