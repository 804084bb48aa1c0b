package dev.videohook.download;

import static dev.videohook.download.DownloadFixture.change;
import static dev.videohook.download.DownloadFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.videohook.simulator.GeneratedBytes;
import dev.videohook.testing.StreamingSource;
import dev.videohook.testing.VideoHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Each download fault, on real loopback sockets, pinned to the reason recorded on the job: what
 * happened in the user's words, with its numbers. The reason is what {@code status}, the console
 * and the jobs page show; no exception's class name is ever in it.
 */
class DownloadFailureReasonTest {
  private static final String JOB = "job-1";
  private static final byte[] VIDEO = GeneratedBytes.bytes(300_000);

  /** A Java class name of a failure: ProtocolException, SocketTimeoutException, SSLException... */
  private static final Pattern CLASS_NAME = Pattern.compile("\\b[A-Z]\\w*(Exception|Error)\\b");

  private final DownloadFixture f =
      new DownloadFixture(b -> b.responseTimeout(Duration.ofMillis(300)));

  @AfterEach
  void close() {
    f.close();
  }

  /** Runs the stream's download of a completed job from {@code urls}; its recorded reason. */
  private String reasonFor(List<URI> urls) {
    f.putJob(JOB, "completed", urls);
    f.handler.handleRequest(event(change("100", JOB, "pending", "completed", urls)), null);
    String reason = f.job(JOB).download().lastError();
    assertNotNull(reason, "a reason is recorded");
    assertFalse(CLASS_NAME.matcher(reason).find(), "no exception class in: " + reason);
    return reason;
  }

  private String reasonFor(URI url) {
    return reasonFor(List.of(url));
  }

  @Test
  void bodyCutShortOfItsLength_saysTheBodyEndedAfterNofMBytes() {
    f.storage.on("/v/0.mp4", VideoHost.truncated(VIDEO));
    URI url = f.storage.url("/v/0.mp4");

    assertEquals(
        "the video host (" + url + "): the body ended after 150000 of 300000 bytes",
        reasonFor(url));
  }

  @Test
  void bodyThatStopsComing_saysNoDataForTheIdleTimeoutAfterNofMBytes() {
    f.storage.on("/v/0.mp4", VideoHost.stall(VIDEO, 1000));
    URI url = f.storage.url("/v/0.mp4");

    assertEquals(
        "the video host (" + url + "): no data for 0.5 s after 1000 of 300000 bytes",
        reasonFor(url));
  }

  @Test
  void connectionResetMidBody_saysTheConnectionBrokeAfterNofMBytes() {
    f.source.on("/v/0.mp4", StreamingSource.reset(VIDEO, 2000));
    URI url = f.source.url("/v/0.mp4");

    assertEquals(
        "the video host (" + url + "): the connection broke after 2000 of 300000 bytes",
        reasonFor(url));
  }

  @Test
  void hostThatNeverAnswers_saysNoAnswerWithinTheResponseTimeout() {
    f.storage.on("/v/0.mp4", () -> new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
    URI url = f.storage.url("/v/0.mp4");

    assertEquals("the video host (" + url + "): no answer within 0.3 s", reasonFor(url));
  }

  @Test
  void hostThatClosesWithoutAnAnswer_saysSo() {
    f.storage.on(
        "/v/0.mp4",
        () -> new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
    URI url = f.storage.url("/v/0.mp4");

    assertEquals(
        "the video host (" + url + "): the connection closed before an answer", reasonFor(url));
  }

  @Test
  void portNobodyListensOn_saysTheHostRefusedTheConnection() {
    URI url = URI.create("http://127.0.0.1:" + closedPort() + "/v/0.mp4");

    assertEquals("the video host (" + url + "): the host refused the connection", reasonFor(url));
  }

  @Test
  void hostThatDoesNotSpeakTls_saysTheTlsHandshakeFailed() {
    f.storage.on("/v/0.mp4", VideoHost.ok(VIDEO, "video/mp4"));
    URI url = f.storage.urlAs("localhost", "/v/0.mp4");
    URI https = URI.create(url.toString().replace("http://", "https://"));

    assertEquals(
        "the video host ("
            + https
            + "): the TLS handshake failed (does the host speak TLS on that port?)",
        reasonFor(https));
  }

  @Test
  void nameThatDoesNotResolve_saysDns() {
    URI url = URI.create("https://nowhere.test/0.mp4");

    assertEquals("GET " + url + ": its host name does not resolve (DNS)", reasonFor(url));
  }

  @Test
  void contentEndpointAnswering404_saysHttp404FromTheContentEndpoint() {
    // no unsigned URLs: the provider's content endpoint is the source, and it has no video
    String reason = reasonFor(List.of());

    assertEquals(
        "HTTP 404 from the content endpoint (" + f.api.url("/api/v1/videos/job-1/content") + ")",
        reason);
  }

  @Test
  void videoHostAnswering404_saysHttp404FromTheVideoHost() {
    URI url = f.storage.url("/v/missing.mp4");

    assertEquals("HTTP 404 from the video host (" + url + ")", reasonFor(url));
  }

  @Test
  void s3RefusingTheWrite_saysWhatS3Answered() {
    S3Exception refused =
        (S3Exception)
            S3Exception.builder()
                .statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").build())
                .build();

    assertEquals(
        "storing in S3 failed: S3 answered HTTP 403 (AccessDenied)",
        DownloadService.describe(refused));
    assertEquals(
        "storing in S3 failed: S3 could not be reached",
        DownloadService.describe(SdkClientException.create("connection refused")));
  }

  @Test
  void anyOtherFailure_namesNoClass() {
    String reason = DownloadService.describe(new IllegalStateException("boom"));

    assertFalse(CLASS_NAME.matcher(reason).find(), reason);
  }

  /** A loopback port with nothing listening on it: bound, then released. */
  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
