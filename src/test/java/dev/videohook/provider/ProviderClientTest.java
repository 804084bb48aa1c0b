package dev.videohook.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.retry.Deadline;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The provider API client against a MockWebServer that answers what each test enqueues. */
class ProviderClientTest {
  private static final String KEY = "sk-or-v1-secret-key";

  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdown();
  }

  private ProviderClient client() {
    return new ProviderClient(Provider.OPENROUTER, server.url("/api/v1/").uri(), KEY);
  }

  private void answer(int status, String body) {
    server.enqueue(new MockResponse().setResponseCode(status).setBody(body));
  }

  private static SubmitRequest request(Map<String, Object> extra) {
    return new SubmitRequest(
        "google/veo-3.1-lite",
        "a lamp",
        4,
        "720p",
        "16:9",
        false,
        URI.create("https://api.example.com/acme/openrouter/video-webhook"),
        extra);
  }

  @Test
  void submit_postsTheGuidesFields_withTheBearer_andReadsTheJob() throws Exception {
    answer(
        200,
        "{\"id\":\"Nxff2D1Z6w4Zk9iNuZam\",\"polling_url\":\"https://openrouter.ai/api/v1/videos/Nxff2D1Z6w4Zk9iNuZam\",\"status\":\"pending\"}");

    SubmittedJob job = client().submit(request(Map.of("seed", 42, "model", "ignored")));

    assertEquals(
        new SubmittedJob(
            "Nxff2D1Z6w4Zk9iNuZam",
            "https://openrouter.ai/api/v1/videos/Nxff2D1Z6w4Zk9iNuZam",
            "pending"),
        job);
    RecordedRequest request = server.takeRequest();
    assertEquals("POST", request.getMethod());
    assertEquals("/api/v1/videos", request.getPath());
    assertEquals("Bearer " + KEY, request.getHeader("Authorization"));
    Map<String, Object> body = JSON.std.mapFrom(request.getBody().readUtf8());
    assertEquals(
        "google/veo-3.1-lite",
        body.get("model"),
        "a modelled field wins over a passed-through one");
    assertEquals(4, body.get("duration"));
    assertEquals("16:9", body.get("aspect_ratio"));
    assertEquals(false, body.get("generate_audio"));
    assertEquals("https://api.example.com/acme/openrouter/video-webhook", body.get("callback_url"));
    assertEquals(42, body.get("seed"));
  }

  @Test
  void status_readsTheProvidersView() throws Exception {
    answer(
        200, "{\"id\":\"j1\",\"status\":\"completed\",\"unsigned_urls\":[\"https://cdn/x.mp4\"]}");

    ProviderJob job = client().status("j1");

    assertEquals("/api/v1/videos/j1", server.takeRequest().getPath());
    assertEquals("completed", job.status());
    assertEquals(List.of("https://cdn/x.mp4"), job.unsignedUrls());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "401 | {\"error\":{\"code\":401,\"message\":\"No auth credentials found\"}} | No auth credentials found | OPENROUTER_API_KEY",
        "402 | {\"error\":{\"code\":402,\"message\":\"Insufficient credits\"}}      | Insufficient credits      | no credits left",
        "400 | {\"error\":{\"code\":400,\"message\":\"duration must be 4, 6 or 8\"}} | duration must be 4, 6 or 8 | HTTP 400",
        "502 | <html>Bad gateway</html>                                         | <html>Bad gateway</html>   | try again later",
      })
  void apiErrors_becomeClearMessages_withTheProvidersText_andNeverTheKey(
      int code, String body, String providerText, String hint) {
    answer(code, body);

    ProviderApiException error =
        assertThrows(ProviderApiException.class, () -> client().submit(request(Map.of())));

    assertEquals(code, error.statusCode());
    assertTrue(error.getMessage().contains(providerText), error.getMessage());
    assertTrue(error.getMessage().contains(hint), error.getMessage());
    assertFalse(error.getMessage().contains(KEY));
  }

  /**
   * The answer's headers come at once and its body one byte every 100 ms (about 30 s): the call
   * ends at its real, short deadline as a timeout, not when the body is done.
   */
  @Test
  void status_shouldTimeOutAtTheDeadline_whenTheAnswerTricklesAfterItsHeaders() {
    server.enqueue(
        new MockResponse()
            .setBody("{\"id\":\"j1\",\"status\":\"completed\"," + " ".repeat(300) + "}")
            .throttleBody(1, 100, TimeUnit.MILLISECONDS));
    Deadline deadline =
        Deadline.fromRemaining(Clock.systemUTC(), Duration.ofMillis(1000), Duration.ZERO);

    ProviderApiException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () -> assertThrows(ProviderApiException.class, () -> client().status("j1", deadline)));

    assertTrue(e.isTimeout(), e.getMessage());
    assertTrue(e.isRetryable(), "no status: worth another try later");
    assertFalse(e.getMessage().contains(KEY));
  }

  @Test
  void status_shouldNotSendAtAll_whenTheDeadlineHasPassed() {
    Deadline passed =
        Deadline.fromRemaining(Clock.systemUTC(), Duration.ZERO, Duration.ofSeconds(1));

    ProviderApiException e =
        assertThrows(ProviderApiException.class, () -> client().status("j1", passed));

    assertTrue(e.isTimeout(), e.getMessage());
    assertEquals(0, server.getRequestCount());
  }

  @Test
  void unreachableApi_saysWhere_notWhatKey() {
    ProviderClient client =
        new ProviderClient(Provider.MODELGATES, URI.create("http://127.0.0.1:9/api/v1"), KEY);

    ProviderApiException error =
        assertThrows(ProviderApiException.class, () -> client.status("j1"));

    assertEquals(0, error.statusCode());
    assertTrue(
        error.getMessage().contains("cannot reach http://127.0.0.1:9/api/v1"), error.getMessage());
    assertFalse(error.getMessage().contains(KEY));
  }

  @Test
  void callbackUrl_isDerivedFromTheApiUrl_stageAndProvider() {
    URI api = URI.create("https://abc123.execute-api.eu-west-1.amazonaws.com/");

    assertEquals(
        URI.create(
            "https://abc123.execute-api.eu-west-1.amazonaws.com/acme/modelgates/video-webhook"),
        CallbackUrls.forTenant(api, "acme", Provider.MODELGATES));
    assertEquals(
        URI.create("https://abc123.execute-api.eu-west-1.amazonaws.com/openrouter/video-webhook"),
        CallbackUrls.forTenant(api, "$default", Provider.OPENROUTER));
  }

  @ParameterizedTest
  @CsvSource({
    "https://api.example.com/x, true",
    "http://127.0.0.1:3000/x, true",
    "http://localhost:3000/x, true",
    "http://[::1]:3000/x, true",
    "http://api.example.com/x, false",
    "http://127.0.0.1.example.com/x, false",
    "ftp://api.example.com/x, false"
  })
  void callbackUrl_mustBeHttps_unlessItPointsAtThisMachine(String url, boolean accepted) {
    boolean ok;
    try {
      CallbackUrls.requireSecure(URI.create(url));
      ok = true;
    } catch (IllegalArgumentException refused) {
      ok = false;
    }
    assertEquals(accepted, ok, url);
  }
}
