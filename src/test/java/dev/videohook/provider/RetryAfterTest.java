package dev.videohook.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.QueueDispatcher;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code Retry-After} on 429 and 503: the client waits what the provider asks (seconds or an HTTP
 * date), within its bounds, against a MockWebServer that answers a script; the waits are recorded,
 * not slept.
 */
class RetryAfterTest {
  private static final Instant NOW = Instant.parse("2026-11-30T04:00:00Z");
  private static final String OK_JOB = "{\"id\":\"j1\",\"status\":\"pending\"}";

  private final MockWebServer server = new MockWebServer();
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    // a request beyond the script gets 404, which fails the test's status assertions
    QueueDispatcher script = new QueueDispatcher();
    script.setFailFast(true);
    server.setDispatcher(script);
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdown();
  }

  private ProviderClient client(String key) {
    return new ProviderClient(
        Provider.OPENROUTER,
        server.url("/api/v1").uri(),
        key,
        HttpClient.newHttpClient(),
        RetryAfter.DEFAULT,
        Clock.fixed(NOW, ZoneOffset.UTC),
        sleeps::add);
  }

  private void answer(int status, String retryAfter, String body) {
    answer(status, retryAfter, body, 1);
  }

  private void answer(int status, String retryAfter, String body, int times) {
    for (int i = 0; i < times; i++) {
      MockResponse response = new MockResponse().setResponseCode(status).setBody(body);
      server.enqueue(retryAfter == null ? response : response.setHeader("Retry-After", retryAfter));
    }
  }

  /** The Authorization header of every request received, "null" where there was none. */
  private List<String> authorizations() throws InterruptedException {
    List<String> seen = new ArrayList<>();
    for (RecordedRequest r = server.takeRequest(0, TimeUnit.SECONDS);
        r != null;
        r = server.takeRequest(0, TimeUnit.SECONDS)) {
      seen.add(String.valueOf(r.getHeader("Authorization")));
    }
    return seen;
  }

  private static String error(int code) {
    return "{\"error\":{\"code\":" + code + ",\"message\":\"Rate limited\"}}";
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0                              | PT0S",
        "7                              | PT7S",
        "  12                           | PT12S",
        "Mon, 30 Nov 2026 04:00:09 GMT  | PT9S",
        "Mon, 30 Nov 2026 03:59:00 GMT  | PT0S",
      })
  void retryAfter_isReadAsSecondsOrAnHttpDate(String header, Duration wait) {
    assertEquals(Optional.of(wait), RetryAfter.parse(header, NOW));
  }

  @ParameterizedTest
  @CsvSource({"soon", "-5", "1.5", "'Mon, 30 Nov 2026'"})
  void unreadableRetryAfter_isNoHint(String header) {
    assertEquals(Optional.empty(), RetryAfter.parse(header, NOW));
  }

  @Test
  void status429_withRetryAfterSeconds_isTriedAgainAfterThatWait() throws Exception {
    answer(429, "3", error(429));
    answer(200, null, OK_JOB);

    ProviderJob job = client("sk-key").status("j1");

    assertEquals("pending", job.status());
    assertEquals(List.of(Duration.ofSeconds(3)), sleeps);
    assertEquals(2, authorizations().size());
  }

  @Test
  void status503_withAnHttpDate_waitsUntilThatTime() throws Exception {
    answer(503, "Mon, 30 Nov 2026 04:00:05 GMT", error(503));
    answer(200, null, OK_JOB);

    client("sk-key").status("j1");

    assertEquals(List.of(Duration.ofSeconds(5)), sleeps);
  }

  @Test
  void submit_isTriedAgainToo_withTheSameBody() throws Exception {
    answer(429, "1", error(429));
    answer(
        202, null, "{\"id\":\"j2\",\"polling_url\":\"/api/v1/videos/j2\",\"status\":\"pending\"}");

    SubmittedJob job =
        client("sk-key")
            .submit(
                new SubmitRequest(
                    "m",
                    "p",
                    null,
                    null,
                    null,
                    null,
                    URI.create("https://api.example.com/openrouter/video-webhook"),
                    java.util.Map.of()));

    assertEquals("j2", job.id());
    assertEquals(List.of(Duration.ofSeconds(1)), sleeps);
  }

  @Test
  void retries_areBounded_thenTheErrorSaysWhatTheProviderAsked() throws Exception {
    answer(429, "1", error(429), 1 + RetryAfter.DEFAULT.maxRetries() + 1);

    ProviderApiException error =
        assertThrows(ProviderApiException.class, () -> client("sk-key").status("j1"));

    assertEquals(429, error.statusCode());
    assertEquals(1 + RetryAfter.DEFAULT.maxRetries(), authorizations().size());
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1)), sleeps);
    assertTrue(error.getMessage().contains("asks to wait 1 s"), error.getMessage());
  }

  @Test
  void aWaitLongerThanTheBound_isNotTaken_butReportedToTheCaller() throws Exception {
    answer(429, "120", error(429));

    ProviderApiException error =
        assertThrows(ProviderApiException.class, () -> client("sk-key").status("j1"));

    assertEquals(1, authorizations().size());
    assertEquals(List.of(), sleeps);
    assertEquals(Optional.of(Duration.ofSeconds(120)), error.retryAfter());
    assertTrue(error.getMessage().contains("asks to wait 120 s"), error.getMessage());
  }

  @Test
  void withoutRetryAfter_aThrottleEndsTheCall_forTheCallersOwnBackoff() throws Exception {
    answer(429, null, error(429));

    ProviderApiException error =
        assertThrows(ProviderApiException.class, () -> client("sk-key").status("j1"));

    assertEquals(1, authorizations().size());
    assertTrue(error.getMessage().contains("try again later"), error.getMessage());
  }

  @Test
  void status402_isNeverRetried_andKeepsItsClearMessage() throws Exception {
    answer(402, "1", "{\"error\":{\"code\":402,\"message\":\"Insufficient credits\"}}");

    ProviderApiException error =
        assertThrows(ProviderApiException.class, () -> client("sk-key").status("j1"));

    assertEquals(1, authorizations().size());
    assertEquals(List.of(), sleeps);
    assertTrue(error.getMessage().contains("no credits left"), error.getMessage());
    assertTrue(error.getMessage().contains("Insufficient credits"), error.getMessage());
  }

  @Test
  void models_withoutAKey_sendNoAuthorization_andA401SaysWhichKeyToSet() throws Exception {
    answer(401, null, "{\"error\":{\"code\":401,\"message\":\"No auth credentials found\"}}");

    ProviderApiException error =
        assertThrows(ProviderApiException.class, () -> client(null).models());

    assertEquals(List.of("null"), authorizations());
    assertTrue(error.getMessage().contains("set OPENROUTER_API_KEY"), error.getMessage());
  }
}
