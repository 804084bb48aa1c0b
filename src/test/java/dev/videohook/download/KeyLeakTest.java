package dev.videohook.download;

import static dev.videohook.download.DownloadFixture.change;
import static dev.videohook.download.DownloadFixture.event;
import static dev.videohook.testing.VideoHost.ok;
import static dev.videohook.testing.VideoHost.redirect;
import static dev.videohook.testing.VideoHost.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.videohook.job.Job;
import dev.videohook.job.JobItems;
import dev.videohook.simulator.GeneratedBytes;
import dev.videohook.testing.LogCapture;
import dev.videohook.testing.StreamingSource;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import okhttp3.Headers;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The provider API key never reaches a log line, the job item or the stream's failure, whatever way
 * the download fails: a key the HTTP client refuses to put in a header (a line break, a character
 * outside ASCII), a dropped connection, an API that says no. Nor does it reach any host but the
 * provider API's: what each host received is read back from it.
 */
class KeyLeakTest {
  private static final String SECRET_PART = "LEAKME0123456789";

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "key with a trailing newline, 'sk-or-LEAKME0123456789\n', ok",
    "key with a line break inside, 'sk-or-LEAKME0123456789\r\nX-Evil: 1', ok",
    "key with a non-ASCII character, 'sk-or-LEAKME0123456789\u00e9', ok",
    "key with a NUL, 'sk-or-LEAKME0123456789\u0000', ok",
    "'valid key, connection reset', 'sk-or-LEAKME0123456789', reset",
    "'valid key, API says 401', 'sk-or-LEAKME0123456789', 401"
  })
  void aFailedDownload_neverRecordsOrLogsTheKey(String what, String key, String server) {
    // a connection reset is StreamingSource's (MockWebServer's policies close cleanly): for that
    // case it plays the provider API
    StreamingSource resetting = new StreamingSource();
    Consumer<VideoDownloader.Builder> api =
        server.equals("reset")
            ? b -> b.apiBases(Map.of(DownloadFixture.PROVIDER, resetting.url("/api/v1")))
            : b -> {};
    try (resetting;
        DownloadFixture f = new DownloadFixture(key, api);
        LogCapture logs = new LogCapture()) {
      String job = "job-leak";
      switch (server) {
        case "reset" ->
            resetting.on(
                f.contentTarget(job), StreamingSource.reset(GeneratedBytes.bytes(1000), 100));
        case "401" -> f.api.on(f.contentTarget(job), status(401));
        default -> f.api.on(f.contentTarget(job), status(200));
      }
      f.putJob(job, "completed", List.<URI>of());

      StreamsEventResponse response =
          f.handler.handleRequest(
              event(change("100", job, "pending", "completed", List.of())), null);

      assertEquals(1, response.getBatchItemFailures().size(), what);
      Job stored = f.job(job);
      assertNotNull(stored.download().lastError(), what);
      String item = JobItems.toItem(stored).toString();
      assertFalse(item.contains(SECRET_PART), what + ": the job item holds the key: " + item);
      assertTrue(logs.lines() > 0, "the failure was logged");
      assertFalse(logs.text().contains(SECRET_PART), what + ": a log line holds the key");
      for (var failure : response.getBatchItemFailures()) {
        assertFalse(String.valueOf(failure).contains(SECRET_PART), what);
      }
    }
  }

  @Test
  void hostsOtherThanTheApi_neverReceiveTheKey_namedInUnsignedUrls_orReachedByARedirect() {
    try (DownloadFixture f = new DownloadFixture("sk-or-" + SECRET_PART, b -> {})) {
      byte[] video = GeneratedBytes.bytes(1000);
      List<URI> unsigned = List.of(f.storage.url("/v/0.mp4"));
      f.storage.on("/v/0.mp4", ok(video, "video/mp4"));
      f.storage.on("/cdn/1.mp4", ok(video, "video/mp4"));
      f.api.on(f.contentTarget("job-redirected"), redirect(302, f.storage.url("/cdn/1.mp4")));
      f.putJob("job-unsigned", "completed", unsigned);
      f.putJob("job-redirected", "completed", List.of());

      StreamsEventResponse response =
          f.handler.handleRequest(
              event(
                  change("100", "job-unsigned", "pending", "completed", unsigned),
                  change("101", "job-redirected", "pending", "completed", List.of())),
              null);

      assertEquals(List.of(), response.getBatchItemFailures());
      List<RecordedRequest> received = f.storage.received();
      assertEquals(
          List.of("/v/0.mp4", "/cdn/1.mp4"),
          received.stream()
              .map(RecordedRequest::getPath)
              .sorted(Comparator.reverseOrder())
              .toList());
      for (RecordedRequest request : received) {
        assertFalse(request.getRequestLine().contains(SECRET_PART), request.getRequestLine());
        // name by name: okhttp's Headers.toString() would hide an Authorization value
        Headers headers = request.getHeaders();
        for (int i = 0; i < headers.size(); i++) {
          assertFalse(
              headers.value(i).contains(SECRET_PART),
              request.getPath() + " received the key in " + headers.name(i));
        }
      }
      assertEquals(
          "Bearer sk-or-" + SECRET_PART,
          f.api.received(f.contentTarget("job-redirected")).get(0).getHeader("Authorization"),
          "the API itself is sent the key");
    }
  }
}
