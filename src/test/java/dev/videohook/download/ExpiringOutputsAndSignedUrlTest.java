package dev.videohook.download;

import static dev.videohook.download.DownloadFixture.event;
import static dev.videohook.download.DownloadFixture.record;
import static dev.videohook.testing.VideoHost.ok;
import static dev.videohook.testing.VideoHost.status;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.videohook.job.Job;
import dev.videohook.job.JobItems;
import dev.videohook.job.JobStatus;
import dev.videohook.job.StoredObject;
import dev.videohook.job.TestJobs;
import dev.videohook.simulator.GeneratedBytes;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Outputs that expire and the signed storage URL, through the stream handler on moto and S3: no
 * download past the provider's expiry; a failing content proxy or unsigned URL falls back to the
 * signed URL (no bearer key, the same address rules), and the stored record says which source.
 */
class ExpiringOutputsAndSignedUrlTest {
  private static final String JOB = "job-1";
  private static final String KEY = "acme/openrouter/job-1/0.mp4";

  private final DownloadFixture f = new DownloadFixture();

  @AfterEach
  void close() {
    f.close();
  }

  /** A completed job as the receiver records it, put in the table and delivered by the stream. */
  private StreamsEventResponse completed(
      List<URI> unsigned, List<String> signed, Instant outputsExpireAt) {
    Job job =
        TestJobs.job(
                DownloadFixture.key(DownloadFixture.TENANT, JOB),
                JobStatus.COMPLETED,
                unsigned.stream().map(URI::toString).toList(),
                DownloadFixture.NOW)
            .toBuilder()
            .signedUrls(signed)
            .outputsExpireAt(outputsExpireAt)
            .build();
    TestJobs.put(f.dynamoDb, f.table, job);
    Job pending = job.toBuilder().status(JobStatus.PENDING).unsignedUrls(List.of()).build();
    return f.handler.handleRequest(
        event(record("MODIFY", "100", JobItems.toItem(pending), JobItems.toItem(job))), null);
  }

  @Test
  void outputsExpiredBeforeTheDownload_endDownloadFailedWithThatReason_andNothingIsFetched() {
    f.storage.on("/v/0.mp4", ok(GeneratedBytes.bytes(100), "video/mp4"));
    Instant expired = DownloadFixture.NOW.minusSeconds(1);

    StreamsEventResponse response =
        completed(List.of(f.storage.url("/v/0.mp4")), List.of(), expired);

    assertEquals(List.of(), response.getBatchItemFailures(), "settled: nothing to retry");
    Job job = f.job(JOB);
    assertEquals(JobStatus.DOWNLOAD_FAILED, job.status());
    assertTrue(
        job.download().lastError().startsWith("outputs expired at " + expired),
        job.download().lastError());
    assertEquals(List.of(), f.storage.received(), "no request past the expiry");
    assertEquals(List.of(), f.s3.objects(f.bucket));
  }

  @Test
  void outputsNotYetExpired_areDownloaded() {
    byte[] video = GeneratedBytes.bytes(100);
    f.storage.on("/v/0.mp4", ok(video, "video/mp4"));

    completed(List.of(f.storage.url("/v/0.mp4")), List.of(), DownloadFixture.NOW.plusSeconds(60));

    assertEquals(JobStatus.STORED, f.job(JOB).status());
    assertArrayEquals(video, f.object(KEY));
  }

  @Test
  void contentProxyAnswering502_fallsBackToTheSignedUrl_withoutTheBearerKey() {
    byte[] video = GeneratedBytes.bytes(4096);
    f.api.on(f.contentTarget(JOB), status(502));
    f.storage.on("/signed/0.mp4?sig=abc", ok(video, "video/mp4"));

    StreamsEventResponse response =
        completed(List.of(), List.of(f.storage.url("/signed/0.mp4?sig=abc").toString()), null);

    assertEquals(List.of(), response.getBatchItemFailures());
    assertArrayEquals(video, f.object(KEY));
    Job job = f.job(JOB);
    assertEquals(JobStatus.STORED, job.status());
    assertEquals(StoredObject.Source.SIGNED_URL, job.stored().objects().get(0).source());
    assertTrue(f.api.received(f.contentTarget(JOB)).size() > 1, "the proxy was retried first");
    List<RecordedRequest> signed = f.storage.received();
    assertEquals(1, signed.size());
    assertNull(signed.get(0).getHeader("Authorization"), "no bearer key to a signed URL");
  }

  @Test
  void failingUnsignedUrl_fallsBackToTheSignedUrl() {
    byte[] video = GeneratedBytes.bytes(1000);
    f.api.on("/proxy/0.mp4", status(503));
    f.storage.on("/signed/0.mp4", ok(video, "video/mp4"));

    completed(
        List.of(f.api.url("/proxy/0.mp4")),
        List.of(f.storage.url("/signed/0.mp4").toString()),
        null);

    assertArrayEquals(video, f.object(KEY));
    assertEquals(StoredObject.Source.SIGNED_URL, f.job(JOB).stored().objects().get(0).source());
  }

  @Test
  void workingContentProxy_isRecordedAsTheSource_andTheSignedUrlIsNotFetched() {
    f.api.on(f.contentTarget(JOB), ok(GeneratedBytes.bytes(100), "video/mp4"));
    f.storage.on("/signed/0.mp4", ok(GeneratedBytes.bytes(100), "video/mp4"));

    completed(List.of(), List.of(f.storage.url("/signed/0.mp4").toString()), null);

    assertEquals(
        StoredObject.Source.CONTENT_ENDPOINT, f.job(JOB).stored().objects().get(0).source());
    assertEquals(List.of(), f.storage.received());
  }

  @Test
  void signedUrlToAPrivateAddress_isRefused_likeAnySource() {
    f.api.on(f.contentTarget(JOB), status(502));

    completed(List.of(), List.of("https://10.0.0.7/signed/0.mp4?sig=abc"), null);

    Job job = f.job(JOB);
    assertEquals(JobStatus.DOWNLOAD_FAILED, job.status(), "a refused source: no retries");
    String reason = job.download().lastError();
    assertTrue(
        reason.contains("content_endpoint failed") && reason.contains("then signed_url failed"),
        reason);
    assertTrue(!reason.contains("sig=abc"), "never the signature: " + reason);
    assertEquals(List.of(), f.s3.objects(f.bucket));
  }
}
