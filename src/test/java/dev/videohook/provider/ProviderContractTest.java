package dev.videohook.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.ProviderSimulator;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated provider's answers and the client's requests, against a JSON-schema fixture written
 * from the provider's published API ({@code provider/video-api.schema.json}): a simulator that
 * drifts from the real API, or a client that sends a field the API does not have, fails here.
 */
class ProviderContractTest {
  private static final String KEY = "sk-contract";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static JsonNode fixture;
  private static SchemaRegistry registry;
  private static ProviderSimulator simulator;
  private static final MockWebServer receiver = new MockWebServer();

  @BeforeAll
  static void start() throws Exception {
    try (InputStream in =
        ProviderContractTest.class.getResourceAsStream("/provider/video-api.schema.json")) {
      fixture = MAPPER.readTree(in);
    }
    registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    simulator =
        ProviderSimulator.start(
            Provider.OPENROUTER,
            KEY,
            "whsec-contract",
            Faults.none().withCompletionDelay(Duration.ofMillis(50)));
    receiver.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return new MockResponse().setResponseCode(204);
          }
        });
    receiver.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterAll
  static void stop() throws Exception {
    simulator.close();
    receiver.shutdown();
  }

  @BeforeEach
  void noThrottle() {
    simulator.throttleNext(0, 429, null);
  }

  /** The fixture's definition {@code name} as a schema of its own. */
  private static Schema schema(String name) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("$schema", fixture.get("$schema").asText());
    root.set("$defs", fixture.get("$defs"));
    root.put("$ref", "#/$defs/" + name);
    return registry.getSchema(root);
  }

  private static void assertValid(String definition, String json) throws Exception {
    List<Error> errors = schema(definition).validate(MAPPER.readTree(json));
    assertEquals(List.of(), errors, definition + ": " + json);
  }

  private static boolean valid(String definition, String json) throws Exception {
    return schema(definition).validate(MAPPER.readTree(json)).isEmpty();
  }

  private static URI callback() {
    return URI.create("http://127.0.0.1:" + receiver.getPort() + "/acme/openrouter/video-webhook");
  }

  private static HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(simulator.apiBase() + path)).GET();
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(Map<String, Object> body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(simulator.apiBase() + "/videos"))
            .header("Authorization", "Bearer " + KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static SubmitRequest everyOption() {
    return new SubmitRequest(
        "google/veo-3.1-lite",
        "a desk lamp",
        8,
        "1080p",
        "9:16",
        null,
        7L,
        true,
        "https://img.example.com/first.png",
        "https://img.example.com/last.png",
        callback(),
        Map.of());
  }

  @Test
  void models_answerAsPublished_withModelsOfDifferentCapabilities() throws Exception {
    HttpResponse<String> answer = get("/videos/models", null);

    assertEquals(200, answer.statusCode());
    assertValid("ModelList", answer.body());
    JsonNode data = MAPPER.readTree(answer.body()).get("data");
    Set<String> durations = new HashSet<>();
    Set<String> sizes = new HashSet<>();
    Set<String> seeds = new HashSet<>();
    data.forEach(
        model -> {
          durations.add(model.get("supported_durations").toString());
          sizes.add(model.get("supported_sizes").toString());
          seeds.add(model.get("seed").toString());
        });
    assertTrue(data.size() >= 3, answer.body());
    assertEquals(data.size(), durations.size(), "each model its own durations");
    assertTrue(sizes.size() > 1 && seeds.size() > 1, "sizes and seed differ between models");
  }

  @Test
  void models_includeAnUpscaler_withoutDurations_withCreativityAndAnUpscaleFactor()
      throws Exception {
    JsonNode data = MAPPER.readTree(get("/videos/models", null).body()).get("data");

    JsonNode upscaler = null;
    for (JsonNode model : data) {
      if (model.get("upscale_factor").isObject()) {
        upscaler = model;
      }
    }
    assertNotNull(upscaler, "an upscaling model is listed");
    assertTrue(upscaler.get("supported_durations").isNull(), upscaler.toString());
    assertTrue(upscaler.get("creativity").isArray(), upscaler.toString());
    assertTrue(upscaler.has("hugging_face_id"), upscaler.toString());
  }

  @Test
  void key_answersAsPublished_withTheLimitRemaining() throws Exception {
    simulator.setKeyLimit(10.0);
    try {
      HttpResponse<String> answer = get("/key", KEY);

      assertEquals(200, answer.statusCode(), answer.body());
      assertValid("Key", answer.body());
      assertTrue(MAPPER.readTree(answer.body()).at("/data/limit_remaining").isNumber());
    } finally {
      simulator.setKeyLimit(null);
    }
  }

  @Test
  void refusedSubmits_402_nameTheirCause_andA429CarriesTheRateLimitHeaders() throws Exception {
    simulator.setBalance(-1);
    HttpResponse<String> balance = post(everyOption().toJson());
    simulator.setBalance(100);
    simulator.setKeyLimit(0.0);
    HttpResponse<String> keyLimit = post(everyOption().toJson());
    simulator.setKeyLimit(null);
    simulator.throttleNext(1, 429, null, Duration.ofSeconds(30));
    HttpResponse<String> throttled = get("/videos/no-such-job", KEY);

    for (HttpResponse<String> error : List.of(balance, keyLimit, throttled)) {
      assertValid("Error", error.body());
    }
    assertEquals(
        List.of(402, 402, 429),
        List.of(balance.statusCode(), keyLimit.statusCode(), throttled.statusCode()));
    assertEquals(
        "openrouter_credits",
        MAPPER.readTree(balance.body()).at("/error/metadata/limit_source").asText());
    assertEquals(
        "openrouter_key_limit",
        MAPPER.readTree(keyLimit.body()).at("/error/metadata/limit_source").asText());
    assertEquals(
        "rate_limit_exceeded",
        MAPPER.readTree(throttled.body()).at("/error/metadata/error_type").asText());
    for (String header :
        List.of("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")) {
      assertTrue(throttled.headers().firstValue(header).isPresent(), header);
    }
  }

  @Test
  void theClientsRequest_withEveryTypedOption_isAPublishedRequest() throws Exception {
    int before = simulator.submitBodies().size();

    new ProviderClient(Provider.OPENROUTER, simulator.apiBase(), KEY).submit(everyOption());

    assertValid("SubmitRequest", MAPPER.writeValueAsString(simulator.submitBodies().get(before)));
    SubmitRequest upscale =
        new SubmitRequest(
            "topaz/video-upscale",
            null,
            null,
            null,
            null,
            null,
            null,
            false,
            null,
            null,
            callback(),
            Map.of(),
            new SubmitRequest.More(
                3,
                2.0,
                List.of(
                    new InputReference(InputReference.Kind.VIDEO, "https://v.example.com/a.mp4")),
                null,
                "session-1",
                "user-1"));
    new ProviderClient(Provider.OPENROUTER, simulator.apiBase(), KEY).submit(upscale);
    assertValid(
        "SubmitRequest",
        MAPPER.writeValueAsString(
            simulator.submitBodies().get(simulator.submitBodies().size() - 1)));
    before = simulator.submitBodies().size() - 1;
    SubmitRequest withSize =
        new SubmitRequest(
            "openai/sora-2",
            "p",
            4,
            null,
            null,
            "1280x720",
            null,
            false,
            null,
            null,
            callback(),
            Map.of());
    new ProviderClient(Provider.OPENROUTER, simulator.apiBase(), KEY).submit(withSize);
    assertValid(
        "SubmitRequest", MAPPER.writeValueAsString(simulator.submitBodies().get(before + 1)));
  }

  @Test
  void submit_is202_withAPendingJob_andARelativePollingUrl_thenStatusAndWebhookAsPublished()
      throws Exception {
    HttpResponse<String> answer = post(everyOption().toJson());

    assertEquals(202, answer.statusCode());
    assertValid("SubmitAnswer", answer.body());
    JsonNode job = MAPPER.readTree(answer.body());
    String pollingUrl = job.get("polling_url").asText();
    assertTrue(pollingUrl.startsWith("/api/v1/videos/"), pollingUrl);

    RecordedRequest webhook = receiver.takeRequest(10, TimeUnit.SECONDS);
    assertNotNull(webhook, "the webhook came");
    HttpResponse<String> status = get("/videos/" + job.get("id").asText(), KEY);
    assertEquals(200, status.statusCode());
    assertValid("Job", status.body());
    assertEquals("completed", MAPPER.readTree(status.body()).get("status").asText());
    assertValid("WebhookEvent", webhook.getBody().readUtf8());
  }

  @Test
  void completedJob_carriesExpiresAt_andASignedUrlOnTheStorageHost_servedWithoutAKey()
      throws Exception {
    JsonNode job = MAPPER.readTree(post(everyOption().toJson()).body());
    JsonNode sent = null;
    while (sent == null) { // other tests' webhooks may come first
      RecordedRequest webhook = receiver.takeRequest(10, TimeUnit.SECONDS);
      assertNotNull(webhook, "the webhook came");
      JsonNode data = MAPPER.readTree(webhook.getBody().readUtf8()).get("data");
      sent = data.get("id").equals(job.get("id")) ? data : null;
    }

    JsonNode status = MAPPER.readTree(get("/videos/" + job.get("id").asText(), KEY).body());

    for (JsonNode answer : List.of(sent, status)) {
      assertTrue(answer.get("expires_at").canConvertToLong(), answer.toString());
      assertEquals(1, answer.get("urls").size(), answer.toString());
    }
    URI signed = URI.create(status.get("urls").get(0).asText());
    assertEquals(simulator.storageBase().getAuthority(), signed.getAuthority());
    HttpResponse<Void> video =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(signed).build(), HttpResponse.BodyHandlers.discarding());
    assertEquals(200, video.statusCode());
    URI tampered = URI.create(signed.toString().replace("expires=", "expires=1"));
    assertEquals(
        403,
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(tampered).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode(),
        "a signed URL whose expiry was changed is refused");
  }

  @Test
  void errors_comeInTheProvidersShape_400_401_404_and429WithRetryAfter() throws Exception {
    Map<String, Object> unsupported = new java.util.HashMap<>(everyOption().toJson());
    unsupported.put("duration", 5);
    List<HttpResponse<String>> errors = new ArrayList<>();

    errors.add(post(unsupported));
    errors.add(get("/videos/whatever", "sk-wrong"));
    errors.add(get("/videos/no-such-job", KEY));
    simulator.throttleNext(1, 429, "3");
    HttpResponse<String> throttled = get("/videos/no-such-job", KEY);
    errors.add(throttled);

    assertEquals(
        List.of(400, 401, 404, 429), errors.stream().map(HttpResponse::statusCode).toList());
    for (HttpResponse<String> error : errors) {
      assertValid("Error", error.body());
    }
    assertEquals("3", throttled.headers().firstValue("Retry-After").orElse(null));
    assertTrue(errors.get(0).body().contains("duration 5"), errors.get(0).body());
  }

  @Test
  void theClientsEnums_areThePublishedOnes() {
    JsonNode defs = fixture.get("$defs");
    assertEquals(enumOf(defs.get("Resolution")), RequestCheck.RESOLUTIONS);
    assertEquals(enumOf(defs.get("AspectRatio")), RequestCheck.ASPECT_RATIOS);
    assertEquals(enumOf(defs.get("FrameType")), RequestCheck.FRAME_TYPES);
  }

  @Test
  void theFixture_refusesWhatThePublishedApiRefuses() throws Exception {
    assertFalse(valid("SubmitRequest", "{\"model\":\"m\",\"resolution\":\"720\"}"));
    assertFalse(valid("SubmitRequest", "{\"model\":\"m\",\"size\":\"1280*720\"}"));
    assertFalse(valid("SubmitRequest", "{\"model\":\"m\",\"aspectRatio\":\"16:9\"}"));
    assertFalse(valid("Job", "{\"id\":\"j\",\"status\":\"done\",\"polling_url\":\"/x\"}"));
    assertFalse(valid("ModelList", "{\"data\":[{\"name\":\"no id\"}]}"));
    assertFalse(valid("Error", "{\"message\":\"flat\"}"));
  }

  private static List<String> enumOf(JsonNode definition) {
    List<String> values = new ArrayList<>();
    definition.get("enum").forEach(v -> values.add(v.asText()));
    return values;
  }
}
