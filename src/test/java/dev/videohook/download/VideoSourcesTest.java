package dev.videohook.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderClient;
import dev.videohook.retry.RetryPolicy;
import dev.videohook.secrets.TenantSecrets;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VideoSourcesTest {
  private static final Provider PROVIDER = Provider.OPENROUTER;

  private final MockWebServer api = new MockWebServer();

  /** The provider's answer to a status request, the same to each. */
  private volatile MockResponse status = new MockResponse().setBody("{}");

  @BeforeEach
  void start() throws Exception {
    api.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return request.getPath().startsWith("/api/v1/videos/")
                ? status
                : new MockResponse().setResponseCode(404);
          }
        });
    api.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() throws Exception {
    api.shutdown();
  }

  private URI apiBase() {
    return URI.create("http://localhost:" + api.getPort() + "/api/v1/");
  }

  /** The Authorization header of every request the provider received. */
  private List<String> authorizations() throws InterruptedException {
    List<String> seen = new ArrayList<>();
    for (RecordedRequest r = api.takeRequest(0, TimeUnit.SECONDS);
        r != null;
        r = api.takeRequest(0, TimeUnit.SECONDS)) {
      seen.add(r.getHeader("Authorization"));
    }
    return seen;
  }

  private VideoSources sources(Optional<String> apiKey) {
    TenantSecrets secrets =
        new TenantSecrets() {
          @Override
          public List<String> webhookSecrets(String tenant, Provider provider) {
            return List.of();
          }

          @Override
          public Optional<String> apiKey(String tenant, Provider provider) {
            return apiKey;
          }
        };
    return new VideoSources(
        Map.of(PROVIDER, apiBase()),
        secrets,
        ProviderClient.sharedHttp(),
        new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1), d -> {}));
  }

  private static CompletedJob job(String id, List<String> urls) {
    return new CompletedJob("acme", PROVIDER, id, urls);
  }

  @Test
  void of_shouldBeTheUnsignedUrls_whenTheJobHasThem() throws Exception {
    List<String> urls = List.of("https://cdn.example.com/a.mp4", "https://cdn.example.com/b.mp4");
    assertEquals(
        urls.stream().map(URI::create).toList(), sources(Optional.of("sk")).of(job("j1", urls)));
    assertTrue(authorizations().isEmpty(), "the provider is not asked");
  }

  @Test
  void of_shouldFailPermanently_whenAnUnsignedUrlIsNotAUrl() {
    DownloadException e =
        assertThrows(
            DownloadException.class,
            () -> sources(Optional.of("sk")).of(job("j1", List.of("https://a b"))));
    assertFalse(e.isTransient());
  }

  @Test
  void of_shouldNameEveryOutputTheProviderCounts_onTheContentEndpoint() throws Exception {
    status =
        new MockResponse()
            .setBody("{\"id\":\"j/1\",\"status\":\"completed\",\"unsigned_urls\":[\"x\",\"y\"]}");

    List<URI> sources = sources(Optional.of("sk-test")).of(job("j/1", List.of()));

    String base = apiBase().toString();
    assertEquals(
        List.of(
            URI.create(base + "videos/j%2F1/content?index=0"),
            URI.create(base + "videos/j%2F1/content?index=1")),
        sources);
    assertEquals(List.of("Bearer sk-test"), authorizations());
  }

  /**
   * A job holds at most as many outputs as a webhook may name unsigned URLs: a provider counting
   * more is refused with the reason, before any is fetched or any record grows past what an item
   * can hold.
   */
  @Test
  void of_shouldRefuse_whenTheProviderCountsMoreOutputsThanAJobMayHold() {
    StringBuilder urls = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      urls.append(i == 0 ? "" : ",").append("\"https://signed.example.com/").append(i).append('"');
    }
    status =
        new MockResponse()
            .setBody("{\"id\":\"j1\",\"status\":\"completed\",\"urls\":[" + urls + "]}");

    DownloadException e =
        assertThrows(
            DownloadException.class, () -> sources(Optional.of("sk")).of(job("j1", List.of())));

    assertTrue(e.isRefused(), e.getMessage());
    assertEquals(
        "refused: the provider counts 10000 outputs for job acme/openrouter/j1, more than the 16 a"
            + " job may hold",
        e.getMessage());
  }

  @Test
  void of_shouldFetchOutputZeroOnly_whenTheProviderHasNoStatusForTheJob() {
    status = new MockResponse().setResponseCode(404);
    assertEquals(1, sources(Optional.of("sk")).of(job("j1", List.of())).size());
  }

  @Test
  void of_shouldBeRetryable_whenTheProviderFails() throws Exception {
    status = new MockResponse().setResponseCode(503);
    DownloadException e =
        assertThrows(
            DownloadException.class, () -> sources(Optional.of("sk")).of(job("j1", List.of())));
    assertTrue(e.isTransient());
    assertEquals(2, authorizations().size(), "both attempts asked");
  }

  @Test
  void apiKey_shouldFailPermanently_whenTheTenantHasNone() {
    DownloadException e =
        assertThrows(
            DownloadException.class, () -> sources(Optional.empty()).of(job("j1", List.of())));
    assertFalse(e.isTransient());
    assertEquals("no API key for openrouter (tenant acme)", e.getMessage());
  }
}
