package dev.videohook.webhook;

import static dev.videohook.webhook.JobTableAssertions.allItems;
import static dev.videohook.webhook.SignedRequests.SECRET;
import static dev.videohook.webhook.SignedRequests.T;
import static dev.videohook.webhook.SignedRequests.completedBody;
import static dev.videohook.webhook.SignedRequests.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.job.DeliveryRecord;
import dev.videohook.job.Job;
import dev.videohook.job.JobItems;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.JobTable;
import dev.videohook.provider.Provider;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.signature.SignatureVerifier;
import dev.videohook.testing.SharedMoto;
import dev.videohook.testing.StubSecrets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The malformed and hostile request corpus ({@code
 * src/test/resources/corpus/malformed-requests.json}), each request sent through {@link
 * WebhookHandler} against moto with a fixed clock: its documented status, and either nothing
 * written (every refusal, every duplicate) or exactly the record it documents.
 *
 * <p>An entry's request: {@code provider} (whose path and header names; default openrouter), {@code
 * stage} (default {@code $default}), {@code rawPath} / {@code routeKey} (override the path; {@code
 * rawPath: null} leaves it out), {@code headers} (default a JSON content type; values are
 * templates, below), the raw body as {@code body} (text, or a list of texts and {@code {"repeat":
 * text, "times": n}}) or {@code bodyBase64} (bytes), {@code padToBytes} (spaces appended up to that
 * many bytes), {@code isBase64Encoded} (then the event carries the bytes in base64), {@code
 * eventBody} (the event's body verbatim, overriding the rest), {@code signedBody} (sign these bytes
 * instead of the body) and {@code signing}: {@code valid}, {@code none}, {@code wrong-secret},
 * {@code stale} (301 s old), {@code future} (301 s ahead), {@code edge-stale} (300 s old), {@code
 * edge-future} (300 s ahead) or {@code headers-only} (the headers carry it).
 *
 * <p>Header templates: {@code ${t}}, {@code ${t-300}}, {@code ${t+300}} (the fixed clock's unix
 * seconds, shifted), {@code ${v1}} (the valid MAC at {@code t}), {@code ${v1:SECRET:TS}} (the MAC
 * with that secret over {@code TS} followed by a comma and the body, where {@code TS} is a {@code
 * t} form above or literal text; {@code ${v1:SECRET:TS/N}} keeps its first N hex digits), {@code
 * ${repeat:N:TEXT}} (TEXT N times, TEXT without braces).
 */
class MalformedCorpusTest {
  private static final String CORPUS = "corpus/malformed-requests.json";
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(T), ZoneOffset.UTC);
  private static final int MAX_BODY_BYTES = 64 * 1024;

  /** Tenants with a signing secret; any other stage is a tenant with none (503). */
  private static final Set<String> CONFIGURED_TENANTS = Set.of("$default", "acme");

  private static final Set<String> SIGNINGS =
      Set.of(
          "valid",
          "none",
          "wrong-secret",
          "stale",
          "future",
          "edge-stale",
          "edge-future",
          "headers-only");

  private static final Set<String> CATEGORIES =
      Set.of(
          "headers",
          "encodings",
          "sizes",
          "content types",
          "json",
          "unicode",
          "tolerance",
          "replays",
          "paths");

  private static final Set<Integer> DOCUMENTED_STATUSES = Set.of(204, 400, 401, 404, 413, 503);

  private static final Pattern TEMPLATE = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern TIMESTAMP = Pattern.compile("t(?:([+-])(\\d+))?");

  // a new table for every test (JUnit makes a new instance for each)
  private final DynamoDbClient dynamoDb = SharedMoto.get().client();
  private final String table = SharedMoto.newJobTable();
  private final WebhookHandler handler =
      new WebhookHandler(
          new WebhookReceiver(
              new JobStore(dynamoDb, table, JobStore.DEFAULT_DELIVERY_TTL),
              secrets(),
              Duration.ofSeconds(300),
              MAX_BODY_BYTES,
              CLOCK));

  private static TenantSecrets secrets() {
    return StubSecrets.signing(
        (tenant, provider) -> CONFIGURED_TENANTS.contains(tenant) ? List.of(SECRET) : List.of());
  }

  static Stream<Arguments> corpus() {
    return entries().stream().map(entry -> Arguments.of(entry.get("name"), entry));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void request_getsItsDocumentedStatus_andWritesOnlyWhatItMay(
      String name, Map<String, Object> entry) {
    assertEquals(204, status(signed(Provider.OPENROUTER, "$default", completedBody("job_before"))));
    for (Map<String, Object> seed : maps(entry.getOrDefault("seed", List.of()))) {
      assertEquals(204, status(event(seed)), name + ": seed request");
    }
    List<Map<String, AttributeValue>> before = allItems(dynamoDb, table);
    Map<String, Object> expect = map(entry.get("expect"));
    Map<String, Object> request = map(entry.get("request"));

    Map<String, Object> response = HttpApiEvents.invoke(handler, event(request));

    assertEquals(number(expect.get("status")), response.get("statusCode"), name);
    assertEquals(Set.of("statusCode"), response.keySet(), name + ": a response carries no reason");
    List<Map<String, AttributeValue>> after = allItems(dynamoDb, table);
    switch ((String) expect.get("writes")) {
      case "nothing" -> assertEquals(before, after, name + ": the table must be unchanged");
      case "job" ->
          assertOneNewJob(
              name, onlyNewItem(name, before, after), map(expect.get("record")), request);
      case "unknown-event" ->
          assertOneNewUnknownEvent(
              name, onlyNewItem(name, before, after), map(expect.get("record")), request);
      default -> throw new AssertionError(name + ": unknown writes " + expect.get("writes"));
    }
  }

  /** The corpus keeps its promises: enough cases, each well formed and refusals write nothing. */
  @Test
  void corpus_hasAtLeast40WellFormedCases_coveringEveryCategory() {
    List<Map<String, Object>> entries = entries();
    assertTrue(entries.size() >= 40, "only " + entries.size() + " cases");
    Set<String> names = new HashSet<>();
    Set<String> categories = new HashSet<>();
    for (Map<String, Object> entry : entries) {
      String name = (String) entry.get("name");
      assertTrue(name != null && !name.isBlank(), "a case without a name: " + entry);
      assertTrue(names.add(name), "two cases named " + name);
      assertTrue(
          entry.get("exercises") instanceof String what && !what.isBlank(),
          name + ": say what it exercises");
      assertTrue(CATEGORIES.contains(entry.get("category")), name + ": category");
      categories.add((String) entry.get("category"));
      Map<String, Object> request = map(entry.get("request"));
      assertTrue(SIGNINGS.contains(request.get("signing")), name + ": signing");
      Map<String, Object> expect = map(entry.get("expect"));
      int status = number(expect.get("status"));
      assertTrue(DOCUMENTED_STATUSES.contains(status), name + ": undocumented status " + status);
      if (status != 204) {
        assertEquals("nothing", expect.get("writes"), name + ": a refusal writes nothing");
      }
    }
    assertEquals(CATEGORIES, categories, "every category has a case");
  }

  // --- what a 204 may write ---

  /** {@code added}, the one item the request wrote, is what {@code record} expects. */
  private void assertOneNewJob(
      String name,
      Map<String, AttributeValue> added,
      Map<String, Object> record,
      Map<String, Object> request) {
    JobKey key = key(record, request);
    Job job =
        new JobStore(dynamoDb, table)
            .find(key)
            .orElseThrow(() -> new AssertionError(name + ": no job " + key));
    assertEquals(JobItems.job(added).orElseThrow(), job, name + ": the new item is the job");
    assertEquals(
        JobStatus.valueOf(((String) record.get("status")).toUpperCase(Locale.ROOT)),
        job.status(),
        name);
    DeliveryRecord delivery =
        new JobStore(dynamoDb, table)
            .terminalDelivery(key)
            .orElseThrow(() -> new AssertionError(name + ": no terminal delivery"));
    assertEquals(rawText(request), delivery.rawEvent(), name + ": the raw event as signed");
    assertEquals(key.jobId() + "-" + record.get("status"), delivery.dedupeKey(), name);
    if (record.containsKey("idempotencyHeader")) {
      assertEquals(record.get("idempotencyHeader"), delivery.idempotencyHeader(), name);
    }
  }

  /** {@code added}, the one item the request wrote, is what {@code record} expects. */
  private void assertOneNewUnknownEvent(
      String name,
      Map<String, AttributeValue> added,
      Map<String, Object> record,
      Map<String, Object> request) {
    assertEquals(JobTable.ITEM_TYPE_DELIVERY, added.get(JobTable.ITEM_TYPE).s(), name);
    DeliveryRecord delivery = JobItems.delivery(added).orElseThrow();
    assertEquals(record.get("type"), delivery.eventStatus(), name);
    assertEquals(key(record, request), delivery.job(), name);
    assertEquals(rawText(request), delivery.rawEvent(), name);
  }

  /** Every item before is still there, unchanged, and exactly one was added. */
  private static Map<String, AttributeValue> onlyNewItem(
      String name,
      List<Map<String, AttributeValue>> before,
      List<Map<String, AttributeValue>> after) {
    assertTrue(after.containsAll(before), name + ": an existing item changed");
    List<Map<String, AttributeValue>> added = new ArrayList<>(after);
    added.removeAll(before);
    assertEquals(1, added.size(), name + ": exactly one new item, got " + added);
    return added.get(0);
  }

  private static JobKey key(Map<String, Object> record, Map<String, Object> request) {
    return new JobKey(
        (String) record.getOrDefault("tenant", request.getOrDefault("stage", "$default")),
        provider(request),
        (String) record.get("jobId"));
  }

  // --- requests from entries ---

  private int status(HttpApiRequest event) {
    return HttpApiEvents.status(handler, event);
  }

  static HttpApiRequest event(Map<String, Object> request) {
    Provider provider = provider(request);
    String stage = (String) request.getOrDefault("stage", "$default");
    byte[] raw = rawBytes(request);
    boolean base64 = Boolean.TRUE.equals(request.get("isBase64Encoded"));
    String body;
    if (request.containsKey("eventBody")) {
      body = bodyText(request.get("eventBody"));
    } else {
      body =
          base64
              ? Base64.getEncoder().encodeToString(raw)
              : new String(raw, StandardCharsets.UTF_8);
    }
    byte[] signed =
        request.containsKey("signedBody")
            ? ((String) request.get("signedBody")).getBytes(StandardCharsets.UTF_8)
            : raw;

    Map<String, String> headers = new LinkedHashMap<>();
    Object given = request.get("headers");
    if (given == null) {
      headers.put("content-type", "application/json");
    } else {
      map(given).forEach((name, value) -> headers.put(name, expand((String) value, signed)));
    }
    String signature = signature((String) request.get("signing"), signed);
    if (signature != null) {
      headers.put(provider.signatureHeader().toLowerCase(Locale.ROOT), signature);
    }

    String routePath = provider.webhookPath();
    String rawPath = stage.equals("$default") ? routePath : "/" + stage + routePath;
    if (request.containsKey("rawPath")) {
      rawPath = (String) request.get("rawPath");
    }
    String routeKey = (String) request.getOrDefault("routeKey", "POST " + routePath);
    return SignedRequests.event(routeKey, rawPath, stage, headers, body, base64);
  }

  private static String signature(String signing, byte[] signed) {
    return switch (signing) {
      case "valid" -> SignatureVerifier.signatureHeader(SECRET, T, signed);
      case "wrong-secret" -> SignatureVerifier.signatureHeader("not_the_secret", T, signed);
      case "stale" -> SignatureVerifier.signatureHeader(SECRET, T - 301, signed);
      case "future" -> SignatureVerifier.signatureHeader(SECRET, T + 301, signed);
      case "edge-stale" -> SignatureVerifier.signatureHeader(SECRET, T - 300, signed);
      case "edge-future" -> SignatureVerifier.signatureHeader(SECRET, T + 300, signed);
      case "none", "headers-only" -> null;
      default -> throw new IllegalArgumentException("unknown signing: " + signing);
    };
  }

  /** The request's raw body bytes: what is signed and, as text, what a record keeps. */
  static byte[] rawBytes(Map<String, Object> request) {
    byte[] raw;
    if (request.containsKey("bodyBase64")) {
      raw = Base64.getDecoder().decode((String) request.get("bodyBase64"));
    } else {
      raw = bodyText(request.getOrDefault("body", "")).getBytes(StandardCharsets.UTF_8);
    }
    if (request.containsKey("padToBytes")) {
      int size = number(request.get("padToBytes"));
      if (size < raw.length) {
        throw new IllegalArgumentException("body already over padToBytes: " + raw.length);
      }
      byte[] padded = Arrays.copyOf(raw, size);
      Arrays.fill(padded, raw.length, size, (byte) ' ');
      raw = padded;
    }
    return raw;
  }

  private static String rawText(Map<String, Object> request) {
    return new String(rawBytes(request), StandardCharsets.UTF_8);
  }

  private static String bodyText(Object body) {
    if (body instanceof String text) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    for (Object part : (List<?>) body) {
      if (part instanceof String text) {
        out.append(text);
      } else {
        Map<String, Object> repeat = map(part);
        out.append(((String) repeat.get("repeat")).repeat(number(repeat.get("times"))));
      }
    }
    return out.toString();
  }

  private static String expand(String template, byte[] signed) {
    Matcher m = TEMPLATE.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(placeholder(m.group(1), signed)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String placeholder(String name, byte[] signed) {
    Matcher timestamp = TIMESTAMP.matcher(name);
    if (timestamp.matches()) {
      return Long.toString(timestamp(timestamp));
    }
    if (name.equals("v1")) {
      return v1(SECRET, Long.toString(T), signed);
    }
    String[] parts = name.split(":", 3);
    if (parts.length == 3 && parts[0].equals("v1")) {
      String[] timestampAndLength = parts[2].split("/", 2);
      Matcher ts = TIMESTAMP.matcher(timestampAndLength[0]);
      String mac =
          v1(parts[1], ts.matches() ? Long.toString(timestamp(ts)) : timestampAndLength[0], signed);
      return timestampAndLength.length == 2
          ? mac.substring(0, Integer.parseInt(timestampAndLength[1]))
          : mac;
    }
    if (parts.length == 3 && parts[0].equals("repeat")) {
      return parts[2].repeat(Integer.parseInt(parts[1]));
    }
    throw new IllegalArgumentException("unknown template ${" + name + "}");
  }

  private static long timestamp(Matcher m) {
    if (m.group(1) == null) {
      return T;
    }
    long shift = Long.parseLong(m.group(2));
    return m.group(1).equals("+") ? T + shift : T - shift;
  }

  /**
   * The hex MAC the provider's scheme gives over {@code "<timestampText>,"} and the body, for any
   * timestamp text, numeric or not (SignatureVerifier's helper only signs numbers).
   */
  private static String v1(String secret, String timestampText, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestampText + ",").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- corpus file ---

  static List<Map<String, Object>> entries() {
    try (InputStream in = MalformedCorpusTest.class.getClassLoader().getResourceAsStream(CORPUS)) {
      if (in == null) {
        throw new AssertionError("no " + CORPUS + " on the test classpath");
      }
      return JSON.std.listFrom(in).stream()
          .map(MalformedCorpusTest::map)
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Provider provider(Map<String, Object> request) {
    String id = (String) request.getOrDefault("provider", "openrouter");
    return Arrays.stream(Provider.values())
        .filter(p -> p.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown provider " + id));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node) {
    return (Map<String, Object>) node;
  }

  private static List<Map<String, Object>> maps(Object node) {
    return ((List<?>) node).stream().map(MalformedCorpusTest::map).toList();
  }

  private static int number(Object node) {
    return ((Number) node).intValue();
  }
}
