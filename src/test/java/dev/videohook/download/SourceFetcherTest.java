package dev.videohook.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.egress.Destination;
import dev.videohook.egress.TestDns;
import dev.videohook.retry.Deadline;
import dev.videohook.retry.RetryPolicy;
import dev.videohook.testing.TricklingServer;
import dev.videohook.testing.VideoHost;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okhttp3.mockwebserver.MockResponse;
import org.junit.jupiter.api.Test;

class SourceFetcherTest {
  private static final URI SOURCE = URI.create("https://cdn.example.com/v/1.mp4?sig=secret");
  private static final URI API = URI.create("https://openrouter.ai/api/v1");

  private static final TestDns DNS =
      new TestDns(
          Map.of("cdn.example.com", List.of("93.184.216.34"), "localhost", List.of("127.0.0.1")));

  private static SourceFetcher fetcher(boolean localMode) {
    return new SourceFetcher(Duration.ofSeconds(30), DNS, localMode, Set.of(443));
  }

  private static SourceFetcher.ApiKey key() {
    return new SourceFetcher.ApiKey(API, () -> "sk-test", "openrouter (tenant acme)");
  }

  // --- the decisions ---

  @Test
  void followUp_shouldBeEmpty_whenTheResponseHoldsTheVideo() {
    assertEquals(Optional.empty(), SourceFetcher.followUp(200, null, SOURCE));
  }

  @Test
  void followUp_shouldResolveTheLocation_whenTheResponseIsARedirect() {
    assertEquals(
        Optional.of(URI.create("https://cdn.example.com/other.mp4")),
        SourceFetcher.followUp(302, "/other.mp4", SOURCE));
    DownloadException noLocation =
        assertThrows(DownloadException.class, () -> SourceFetcher.followUp(307, null, SOURCE));
    assertFalse(noLocation.isTransient());
  }

  @Test
  void followUp_shouldRetryOnlyThrottlingAndServerFailures() {
    for (int status : List.of(429, 500, 503)) {
      assertTrue(
          assertThrows(DownloadException.class, () -> SourceFetcher.followUp(status, null, SOURCE))
              .isTransient(),
          "HTTP " + status);
    }
    for (int status : List.of(400, 403, 404, 410)) {
      DownloadException e =
          assertThrows(DownloadException.class, () -> SourceFetcher.followUp(status, null, SOURCE));
      assertFalse(e.isTransient(), "HTTP " + status);
      assertEquals(
          "HTTP " + status + " from the video host (https://cdn.example.com/v/1.mp4)",
          e.getMessage());
    }
  }

  @Test
  void portRefusal_shouldAllowOnlyConfiguredPorts_exceptToLoopbackInLocalMode() throws Exception {
    Destination cdn =
        new Destination("cdn.example.com", List.of(InetAddress.getByName("93.184.216.34")));
    Destination loopback = new Destination("localhost", List.of(InetAddress.getLoopbackAddress()));

    assertEquals(Optional.empty(), SourceFetcher.portRefusal(443, false, cdn, false, Set.of(443)));
    assertEquals(
        Optional.empty(), SourceFetcher.portRefusal(8443, false, cdn, false, Set.of(443, 8443)));
    assertTrue(SourceFetcher.portRefusal(8443, false, cdn, true, Set.of(443)).isPresent());
    assertEquals(
        Optional.empty(), SourceFetcher.portRefusal(9000, false, loopback, true, Set.of(443)));
    assertTrue(SourceFetcher.portRefusal(9000, false, loopback, false, Set.of(443)).isPresent());
  }

  @Test
  void portRefusal_shouldAllowTheApisOwnPort_atTheApisOriginOnly() throws Exception {
    Destination api =
        new Destination("api.example.com", List.of(InetAddress.getByName("93.184.216.35")));

    assertEquals(Optional.empty(), SourceFetcher.portRefusal(8443, true, api, false, Set.of(443)));
    assertTrue(SourceFetcher.portRefusal(8443, false, api, false, Set.of(443)).isPresent());
  }

  @Test
  void contentLength_shouldBeAClearFailure_whenItIsNegative() {
    assertEquals(-1, SourceFetcher.contentLength(null, SOURCE));
    assertEquals(-1, SourceFetcher.contentLength("many", SOURCE));
    assertEquals(42, SourceFetcher.contentLength(" 42 ", SOURCE));
    DownloadException e =
        assertThrows(DownloadException.class, () -> SourceFetcher.contentLength("-5", SOURCE));
    assertEquals(
        "Content-Length -5 from https://cdn.example.com/v/1.mp4: not a length", e.getMessage());
  }

  @Test
  void sendFailure_shouldNameTheDeadline_whenTheCallWasCutOffByIt() {
    DownloadException e = SourceFetcher.sendFailure("timeout", SOURCE, false, false, true);
    assertTrue(e.isTransient());
    assertEquals(
        "no answer from the video host (https://cdn.example.com/v/1.mp4) before the"
            + " invocation's deadline",
        e.getMessage());
    assertFalse(SourceFetcher.sendFailure("closed", SOURCE, false, true, false).isTransient());
  }

  // --- the loop, against real sockets ---

  @Test
  void fetch_shouldRefuseAPortNotConfigured_beforeConnecting() {
    DownloadException e =
        assertThrows(
            DownloadException.class,
            () ->
                fetcher(false)
                    .fetch(
                        URI.create("https://cdn.example.com:8443/v.mp4"), key(), Deadline.none()));
    assertTrue(e.isRefused());
    assertTrue(e.getMessage().startsWith("refused port 8443 of cdn.example.com"), e.getMessage());
  }

  @Test
  void fetch_shouldFailClearly_whenTheSourceDeclaresANegativeLength() throws Exception {
    try (VideoHost server = new VideoHost()) {
      server.on(
          "/v.mp4",
          () ->
              new MockResponse()
                  .setHeader("Content-Type", "video/mp4")
                  .setHeader("Content-Length", "-5"));
      URI source = server.url("/v.mp4");
      DownloadException e =
          assertThrows(
              DownloadException.class, () -> fetcher(true).fetch(source, key(), Deadline.none()));
      assertEquals("Content-Length -5 from " + source + ": not a length", e.getMessage());
    }
  }

  @Test
  void fetch_shouldStopAtTheDeadline_whenASourceTricklesItsHeaders() throws Exception {
    // one byte every 300 ms: each read well inside the 30 s read timeout, the whole about a minute
    String headers =
        "HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: 4\r\nX-Slow: "
            + "x".repeat(120)
            + "\r\n\r\nabcd";
    SourceFetcher fetcher = fetcher(true);
    try (TricklingServer server = new TricklingServer(headers, Duration.ofMillis(300))) {
      Deadline deadline =
          Deadline.fromRemaining(Clock.systemUTC(), Duration.ofSeconds(5), Duration.ZERO);
      DownloadException e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(25),
              () ->
                  assertThrows(
                      DownloadException.class,
                      () -> fetcher.fetch(server.url("/v.mp4"), key(), deadline)));
      assertTrue(e.isTransient(), "a retryable failure: " + e.getMessage());
      assertTrue(e.getMessage().endsWith("before the invocation's deadline"), e.getMessage());
    }
  }

  /**
   * An API base on another port makes that port fetchable at the API's origin only: an unsigned URL
   * on that port of any other host is refused before a connection is made.
   */
  @Test
  void download_shouldRefuseTheApiBasesPort_onAHostThatIsNotTheApis() {
    URI apiBase = URI.create("https://api.example.com:8443/api/v1");
    try (DownloadFixture f =
        new DownloadFixture(
            b ->
                b.apiBases(Map.of(DownloadFixture.PROVIDER, apiBase))
                    .allowLoopbackHttp(false)
                    .retry(new RetryPolicy(1, Duration.ZERO, Duration.ZERO, d -> {})))) {
      CompletedJob job =
          new CompletedJob(
              DownloadFixture.TENANT,
              DownloadFixture.PROVIDER,
              "job-port",
              List.of("https://cdn.example.com:8443/v.mp4"));

      DownloadException e =
          assertThrows(
              DownloadException.class,
              () ->
                  f.downloader.download(
                      job,
                      Deadline.fromRemaining(
                          Clock.systemUTC(), Duration.ofSeconds(3), Duration.ZERO)));

      assertTrue(e.isRefused(), e.getMessage());
      assertTrue(e.getMessage().startsWith("refused port 8443 of cdn.example.com"), e.getMessage());
    }
  }
}
