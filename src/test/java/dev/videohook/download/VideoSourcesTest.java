package dev.videohook.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderClient;
import dev.videohook.secrets.TenantSecrets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VideoSourcesTest {
  private static final Provider PROVIDER = Provider.OPENROUTER;

  private HttpServer api;
  private final List<String> authorizations = new ArrayList<>();
  private volatile int statusCode = 200;
  private volatile String statusBody = "{}";

  @BeforeEach
  void start() throws Exception {
    api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    api.createContext(
        "/api/v1/videos/",
        exchange -> {
          authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body = statusBody.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(statusCode, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    api.start();
  }

  @AfterEach
  void stop() {
    api.stop(0);
  }

  private URI apiBase() {
    return URI.create("http://localhost:" + api.getAddress().getPort() + "/api/v1/");
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
  void of_shouldBeTheUnsignedUrls_whenTheJobHasThem() {
    List<String> urls = List.of("https://cdn.example.com/a.mp4", "https://cdn.example.com/b.mp4");
    assertEquals(
        urls.stream().map(URI::create).toList(), sources(Optional.of("sk")).of(job("j1", urls)));
    assertTrue(authorizations.isEmpty(), "the provider is not asked");
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
  void of_shouldNameEveryOutputTheProviderCounts_onTheContentEndpoint() {
    statusBody = "{\"id\":\"j/1\",\"status\":\"completed\",\"unsigned_urls\":[\"x\",\"y\"]}";

    List<URI> sources = sources(Optional.of("sk-test")).of(job("j/1", List.of()));

    String base = apiBase().toString();
    assertEquals(
        List.of(
            URI.create(base + "videos/j%2F1/content?index=0"),
            URI.create(base + "videos/j%2F1/content?index=1")),
        sources);
    assertEquals(List.of("Bearer sk-test"), authorizations);
  }

  @Test
  void of_shouldFetchOutputZeroOnly_whenTheProviderHasNoStatusForTheJob() {
    statusCode = 404;
    assertEquals(1, sources(Optional.of("sk")).of(job("j1", List.of())).size());
  }

  @Test
  void of_shouldBeRetryable_whenTheProviderFails() {
    statusCode = 503;
    DownloadException e =
        assertThrows(
            DownloadException.class, () -> sources(Optional.of("sk")).of(job("j1", List.of())));
    assertTrue(e.isTransient());
    assertEquals(2, authorizations.size(), "both attempts asked");
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
