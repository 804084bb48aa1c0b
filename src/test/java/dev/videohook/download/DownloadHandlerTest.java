package dev.videohook.download;

import static dev.videohook.download.DownloadFixture.API_KEY;
import static dev.videohook.download.DownloadFixture.change;
import static dev.videohook.download.DownloadFixture.changeWithRawUrls;
import static dev.videohook.download.DownloadFixture.event;
import static dev.videohook.testing.VideoHost.ok;
import static dev.videohook.testing.VideoHost.redirect;
import static dev.videohook.testing.VideoHost.stall;
import static dev.videohook.testing.VideoHost.status;
import static dev.videohook.testing.VideoHost.truncated;
import static dev.videohook.testing.VideoHost.withoutLength;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.transformers.v2.dynamodb.DynamodbAttributeValueTransformer;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.videohook.job.DeliveryRecord;
import dev.videohook.job.Job;
import dev.videohook.job.JobItems;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.StoredObject;
import dev.videohook.job.TestJobs;
import dev.videohook.local.LocalStreamPoller;
import dev.videohook.simulator.GeneratedBytes;
import dev.videohook.testing.SharedMoto;
import dev.videohook.testing.StreamingSource;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** The downloader end to end: stream record in, S3 object and moto item out. */
class DownloadHandlerTest {
  private static final int MIB = 1024 * 1024;
  private static final String JOB = "job-1";
  private static final String KEY = "acme/openrouter/job-1/0.mp4";

  private DownloadFixture f;

  @BeforeEach
  void fixture() {
    f = new DownloadFixture();
  }

  @AfterEach
  void close() {
    f.close();
  }

  private StreamsEventResponse completed(String jobId, List<URI> urls) {
    f.putJob(jobId, "completed", urls);
    return f.handler.handleRequest(event(change("100", jobId, "pending", "completed", urls)), null);
  }

  private void assertNothingInS3() {
    assertEquals(List.of(), f.s3.objects(f.bucket), "objects");
    assertEquals(List.of(), f.s3.multipartUploads(f.bucket), "multipart uploads");
  }

  private void assertFailedOnce(StreamsEventResponse response, String jobId) {
    assertEquals(
        List.of("100"),
        response.getBatchItemFailures().stream()
            .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
            .toList());
    Job job = f.job(jobId);
    assertEquals(JobStatus.COMPLETED, job.status());
    assertEquals(1, job.download().failedAttempts());
    assertNotNull(job.download().lastError());
  }

  /**
   * Waits until the downloader has a multipart upload in progress, so that a failure that follows
   * is one the upload must be aborted for; counts the uploads seen.
   */
  private Runnable uploadStarted(AtomicInteger seen) {
    return () -> {
      for (int i = 0; i < 1000; i++) {
        if (!f.s3.multipartUploads(f.bucket).isEmpty()) {
          seen.incrementAndGet();
          return;
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    };
  }

  private static <T> List<T> each(Job job, Function<StoredObject, T> field) {
    return job.stored().objects().stream().map(field).toList();
  }

  @Test
  void completedJob_isStoredWithItsBytesAndSha256_andTheJobBecomesStored() {
    byte[] video = GeneratedBytes.bytes(300_000);
    f.storage.on("/v/0.mp4", ok(video, "video/mp4"));

    StreamsEventResponse response = completed(JOB, List.of(f.storage.url("/v/0.mp4")));

    assertEquals(List.of(), response.getBatchItemFailures());
    assertArrayEquals(video, f.object(KEY));
    Job job = f.job(JOB);
    assertEquals(JobStatus.STORED, job.status());
    assertEquals(f.bucket, job.stored().bucket());
    assertEquals(List.of(KEY), each(job, StoredObject::key));
    assertEquals(List.of(300_000L), each(job, StoredObject::size));
    assertEquals(List.of(GeneratedBytes.sha256(video)), each(job, StoredObject::sha256));
    assertEquals(List.of("video/mp4"), each(job, StoredObject::contentType));
    assertEquals(DownloadFixture.NOW, job.times().storedAt());
  }

  @Test
  void videoLargerThanOnePart_isStoredByMultipartUpload_withTheRightSha256() {
    long size = 20L * MIB + 12_345;
    f.source.on("/v/big.mp4", StreamingSource.generated(size, "video/mp4"));

    completed(JOB, List.of(f.source.url("/v/big.mp4")));

    Job job = f.job(JOB);
    assertEquals(JobStatus.STORED, job.status());
    assertEquals(List.of(GeneratedBytes.sha256(size)), each(job, StoredObject::sha256));
    assertEquals(GeneratedBytes.sha256(size), GeneratedBytes.sha256(f.object(KEY)));
    assertEquals(List.of(), f.s3.multipartUploads(f.bucket));
  }

  @Test
  void bodyWithoutContentLength_isStoredWhole() {
    byte[] video = GeneratedBytes.bytes(50_000);
    f.storage.on("/v/0.mp4", withoutLength(video, "video/mp4"));

    completed(JOB, List.of(f.storage.url("/v/0.mp4")));

    assertArrayEquals(video, f.object(KEY));
  }

  @ParameterizedTest
  @CsvSource({
    "video/mp4, video/mp4, 0.mp4",
    "'VIDEO/MP4; charset=binary', video/mp4, 0.mp4",
    "'video/webm; codecs=vp9', video/webm, 0.webm",
    "video/quicktime, video/quicktime, 0.mov",
    "text/html, application/octet-stream, 0.mp4",
    "image/svg+xml, application/octet-stream, 0.mp4",
    "application/javascript, application/octet-stream, 0.mp4",
    "video/mp4x, application/octet-stream, 0.mp4"
  })
  void storedObject_claimsOnlyAnAllowedVideoType_andIsAnAttachment(
      String served, String stored, String file) {
    f.storage.on("/v/0", ok(GeneratedBytes.bytes(100), served));

    completed(JOB, List.of(f.storage.url("/v/0")));

    String key = "acme/openrouter/job-1/" + file;
    HeadObjectResponse head = f.s3.client().headObject(b -> b.bucket(f.bucket).key(key));
    assertEquals(stored, head.contentType());
    assertEquals("attachment", head.contentDisposition());
    assertEquals(List.of(stored), each(f.job(JOB), StoredObject::contentType));
  }

  @Test
  void twoUnsignedUrls_becomeTwoObjects_inOrder() {
    byte[] first = GeneratedBytes.bytes(1000);
    byte[] second = GeneratedBytes.bytes(2000);
    f.storage.on("/v/a", ok(first, "video/mp4")).on("/v/b", ok(second, "video/webm"));

    completed(JOB, List.of(f.storage.url("/v/a"), f.storage.url("/v/b")));

    assertArrayEquals(first, f.object("acme/openrouter/job-1/0.mp4"));
    assertArrayEquals(second, f.object("acme/openrouter/job-1/1.webm"));
    assertEquals(
        List.of("acme/openrouter/job-1/0.mp4", "acme/openrouter/job-1/1.webm"),
        each(f.job(JOB), StoredObject::key));
    assertEquals(List.of("video/mp4", "video/webm"), each(f.job(JOB), StoredObject::contentType));
  }

  @Test
  void emptyUnsignedUrls_fetchTheContentEndpoint_withTheBearerKey() {
    byte[] video = GeneratedBytes.bytes(4096);
    f.api.on(f.contentTarget(JOB), ok(video, "video/mp4"));

    completed(JOB, List.of());

    assertArrayEquals(video, f.object(KEY));
    List<RecordedRequest> requests = f.api.received(f.contentTarget(JOB));
    assertEquals(1, requests.size());
    assertEquals("Bearer " + API_KEY, requests.get(0).getHeader("Authorization"));
  }

  @Test
  void unsignedUrlHost_neverReceivesTheBearerKey() {
    f.storage.on("/v/0.mp4", ok(GeneratedBytes.bytes(100), "video/mp4"));

    completed(JOB, List.of(f.storage.url("/v/0.mp4")));

    assertEquals(JobStatus.STORED, f.job(JOB).status());
    assertFalse(f.storage.received().isEmpty());
    f.storage.received().forEach(r -> assertNull(r.getHeader("Authorization"), r.getPath()));
  }

  @Test
  void unsignedUrlOnTheProviderApiOrigin_carriesTheBearerKey() {
    // the guide: "If the URL points to the OpenRouter API, include the bearer token"
    byte[] video = GeneratedBytes.bytes(100);
    f.api.on("/api/v1/files/0.mp4", ok(video, "video/mp4"));

    completed(JOB, List.of(f.api.url("/api/v1/files/0.mp4")));

    assertArrayEquals(video, f.object(KEY));
    assertEquals(
        "Bearer " + API_KEY,
        f.api.received("/api/v1/files/0.mp4").get(0).getHeader("Authorization"));
  }

  @Test
  void contentEndpointRedirectToAnotherOrigin_isFollowedWithoutTheBearerKey() {
    byte[] video = GeneratedBytes.bytes(2048);
    f.api.on(f.contentTarget(JOB), redirect(302, f.storage.url("/cdn/0.mp4")));
    f.storage.on("/cdn/0.mp4", ok(video, "video/mp4"));

    completed(JOB, List.of());

    assertArrayEquals(video, f.object(KEY));
    assertEquals(
        "Bearer " + API_KEY,
        f.api.received(f.contentTarget(JOB)).get(0).getHeader("Authorization"));
    assertEquals(1, f.storage.received("/cdn/0.mp4").size());
    assertNull(f.storage.received("/cdn/0.mp4").get(0).getHeader("Authorization"));
  }

  @Test
  void shortBodyInsideOnePart_failsTheRecord_andLeavesNothingInS3() {
    byte[] video = GeneratedBytes.bytes(100_000);
    f.storage.on("/v/0.mp4", truncated(video));

    StreamsEventResponse response = completed(JOB, List.of(f.storage.url("/v/0.mp4")));

    assertFailedOnce(response, JOB);
    assertNothingInS3();
  }

  @Test
  void truncatedBody_failsTheRecord_andLeavesNothingInS3() {
    byte[] video = GeneratedBytes.bytes(12 * MIB);
    var uploads = new AtomicInteger();
    f.source.on("/v/0.mp4", StreamingSource.truncated(video, 9 * MIB, uploadStarted(uploads)));

    StreamsEventResponse response = completed(JOB, List.of(f.source.url("/v/0.mp4")));

    assertFailedOnce(response, JOB);
    assertEquals(3, f.source.received("/v/0.mp4").size(), "retried within the invocation");
    assertEquals(3, uploads.get(), "a multipart upload was under way at each truncation");
    assertNothingInS3();
  }

  @Test
  void connectionResetMidBody_failsTheRecord_andLeavesNothingInS3() {
    byte[] video = GeneratedBytes.bytes(12 * MIB);
    var uploads = new AtomicInteger();
    f.source.on("/v/0.mp4", StreamingSource.reset(video, 9 * MIB, uploadStarted(uploads)));

    StreamsEventResponse response = completed(JOB, List.of(f.source.url("/v/0.mp4")));

    assertFailedOnce(response, JOB);
    assertEquals(3, uploads.get(), "a multipart upload was under way at each reset");
    assertNothingInS3();
  }

  @Test
  void connectionResetOnce_isRetried_andTheVideoStored() {
    byte[] video = GeneratedBytes.bytes(12 * MIB);
    var uploads = new AtomicInteger();
    f.source.on(
        "/v/0.mp4",
        StreamingSource.reset(video, 9 * MIB, uploadStarted(uploads)),
        StreamingSource.ok(video, "video/mp4"));

    StreamsEventResponse response = completed(JOB, List.of(f.source.url("/v/0.mp4")));

    assertEquals(List.of(), response.getBatchItemFailures());
    assertEquals(GeneratedBytes.sha256(video), GeneratedBytes.sha256(f.object(KEY)));
    assertEquals(List.of(), f.s3.multipartUploads(f.bucket));
    assertEquals(List.of(KEY), f.s3.objects(f.bucket).stream().map(o -> o.key()).toList());
  }

  @Test
  void badGatewayThenSuccess_isRetriedWithBackoff_andStored() {
    byte[] video = GeneratedBytes.bytes(5000);
    f.api.on(f.contentTarget(JOB), status(502), ok(video, "video/mp4"));

    StreamsEventResponse response = completed(JOB, List.of());

    assertEquals(List.of(), response.getBatchItemFailures());
    assertArrayEquals(video, f.object(KEY));
    assertEquals(2, f.api.received(f.contentTarget(JOB)).size());
    assertEquals(1, f.pauses.size());
  }

  @Test
  void tooManyRequestsThenSuccess_isRetried() {
    byte[] video = GeneratedBytes.bytes(5000);
    f.storage.on("/v/0.mp4", status(429), ok(video, "video/mp4"));

    completed(JOB, List.of(f.storage.url("/v/0.mp4")));

    assertArrayEquals(video, f.object(KEY));
  }

  @Test
  void stalledBody_timesOutAndIsRetried() {
    byte[] video = GeneratedBytes.bytes(64 * 1024);
    f.storage.on("/v/0.mp4", stall(video, 1000), ok(video, "video/mp4"));

    completed(JOB, List.of(f.storage.url("/v/0.mp4")));

    assertEquals(JobStatus.STORED, f.job(JOB).status());
    assertArrayEquals(video, f.object(KEY));
  }

  @Test
  void notFound_failsFastWithoutRetry_andLeavesNothingInS3() {
    f.storage.on("/v/0.mp4", status(404));

    StreamsEventResponse response = completed(JOB, List.of(f.storage.url("/v/0.mp4")));

    assertFailedOnce(response, JOB);
    assertEquals(1, f.storage.received("/v/0.mp4").size());
    assertTrue(f.job(JOB).download().lastError().contains("HTTP 404"));
    assertNothingInS3();
  }

  @Test
  void errorNoted_neverHoldsTheUrlsQuery() {
    f.storage.on("/v/0.mp4", status(404));

    completed(JOB, List.of(URI.create(f.storage.url("/v/0.mp4") + "?token=s3cr3t")));

    assertFalse(f.job(JOB).download().lastError().contains("s3cr3t"));
  }

  @Test
  void secondFailure_countsASecondAttempt() {
    f.storage.on("/v/0.mp4", status(404));
    List<URI> urls = List.of(f.storage.url("/v/0.mp4"));
    completed(JOB, urls);

    f.handler.handleRequest(event(change("100", JOB, "pending", "completed", urls)), null);

    assertEquals(2, f.job(JOB).download().failedAttempts());
    assertEquals(JobStatus.COMPLETED, f.job(JOB).status());
  }

  @Test
  void lastAttemptTheStreamMakes_marksTheJobDownloadFailed_andItsRecordsKeepFailing() {
    f.storage.on("/v/0.mp4", status(404));
    List<URI> urls = List.of(f.storage.url("/v/0.mp4"));
    completed(JOB, urls);
    f.handler.handleRequest(event(change("100", JOB, "pending", "completed", urls)), null);
    f.handler.handleRequest(event(change("100", JOB, "pending", "completed", urls)), null);
    int fetches = f.storage.received("/v/0.mp4").size();

    StreamsEventResponse afterGivingUp =
        f.handler.handleRequest(event(change("100", JOB, "pending", "completed", urls)), null);

    assertEquals(JobStatus.DOWNLOAD_FAILED, f.job(JOB).status());
    assertEquals(DownloadFixture.GIVE_UP_AFTER_ATTEMPTS, f.job(JOB).download().failedAttempts());
    assertEquals(
        1,
        afterGivingUp.getBatchItemFailures().size(),
        "failed, so that it reaches the on-failure destination");
    assertEquals(fetches, f.storage.received("/v/0.mp4").size(), "no download once given up");
  }

  @Test
  void downloadFailedJob_isStoredByARedrive() {
    byte[] video = GeneratedBytes.bytes(4096);
    f.storage.on("/v/0.mp4", ok(video, "video/mp4"));
    List<URI> urls = List.of(f.storage.url("/v/0.mp4"));
    f.putJob(JOB, "download_failed", urls);

    DownloadService.Outcome outcome =
        new DownloadService(
                f.downloader,
                new JobStore(f.dynamoDb, f.table),
                Clock.systemUTC(),
                DownloadFixture.GIVE_UP_AFTER_ATTEMPTS)
            .redrive(
                new CompletedJob(
                    DownloadFixture.TENANT,
                    DownloadFixture.PROVIDER,
                    JOB,
                    List.of(urls.get(0).toString())));

    assertEquals(DownloadService.Outcome.STORED, outcome);
    assertEquals(JobStatus.STORED, f.job(JOB).status());
    assertEquals(List.of(GeneratedBytes.sha256(video)), each(f.job(JOB), StoredObject::sha256));
  }

  @Test
  void videoLargerThanTheLimit_failsWithoutStoringAnything() {
    DownloadFixture limited = new DownloadFixture(b -> b.maxBytes(1000));
    try {
      limited.storage.on("/v/0.mp4", ok(GeneratedBytes.bytes(1001), "video/mp4"));
      limited.putJob(JOB, "completed", List.of(limited.storage.url("/v/0.mp4")));

      StreamsEventResponse response =
          limited.handler.handleRequest(
              event(
                  change(
                      "100",
                      JOB,
                      "pending",
                      "completed",
                      List.of(limited.storage.url("/v/0.mp4")))),
              null);

      assertEquals(1, response.getBatchItemFailures().size());
      assertEquals(List.of(), limited.s3.objects(limited.bucket));
    } finally {
      limited.close();
    }
  }

  /** Refused at once: the job is download_failed with the reason, nothing fetched or stored. */
  private void assertRefused(StreamsEventResponse response, String jobId, String reason) {
    assertEquals(1, response.getBatchItemFailures().size(), "the record ends at the DLQ");
    Job job = f.job(jobId);
    assertEquals(JobStatus.DOWNLOAD_FAILED, job.status());
    assertEquals(1, job.download().failedAttempts());
    assertTrue(job.download().lastError().contains(reason), job.download().lastError());
    assertEquals(List.of(), f.pauses, "no retries");
    assertNothingInS3();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://cdn.example.com/0.mp4",
        "https://169.254.169.254/latest/meta-data/",
        "https://[fd00:ec2::254]/latest/meta-data/",
        "https://[::ffff:169.254.169.254]/latest/",
        "https://[::ffff:a9fe:a9fe]/latest/",
        "https://10.0.0.1/v.mp4",
        "https://100.64.0.1/v.mp4",
        "https://0.0.0.0/v.mp4",
        "https://[::]/v.mp4",
        "https://[fe80::1]/v.mp4",
        "https://[ff02::1]/v.mp4",
        "https://2130706433/v.mp4",
        "https://metadata.evil.test/v.mp4",
        "https://ula.evil.test/v.mp4",
        "https://mixed.evil.test/v.mp4",
        "ftp://cdn.example.com/v.mp4",
        "file:///etc/passwd"
      })
  void sourceOutsideThePublicInternet_marksTheJobDownloadFailedAtOnce_withoutARequest(String url) {
    f.dns
        .with("metadata.evil.test", "169.254.169.254")
        .with("ula.evil.test", "fd00:ec2::254")
        .with("mixed.evil.test", "93.184.216.34", "192.168.1.10");

    StreamsEventResponse response = completed(JOB, List.of(URI.create(url)));

    assertRefused(response, JOB, "refused");
    // the stream's retries of the record fetch nothing either
    StreamsEventResponse again =
        f.handler.handleRequest(
            event(change("101", JOB, "pending", "completed", List.of(URI.create(url)))), null);
    assertEquals(1, again.getBatchItemFailures().size());
    assertEquals(1, f.job(JOB).download().failedAttempts());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://cdn.example.com/v\u0001.mp4",
        "https://cdn.example.com/v\u007f.mp4",
        "https://cdn.example.com/v\u0085.mp4",
        "https://cdn.example.com/v\t.mp4",
        "https://cdn.example.com/v\n.mp4",
        "https://cdn.example.com/my video.mp4",
        "https://cdn.example.com/v\u00a0.mp4",
        "https://cdn.example.com/v\u3000.mp4",
        "https://cdn.exa mple.com/v.mp4",
        "https://cdn.example.com/v.mp4?sig=%zz",
        "https://cdn.example.com/<v>.mp4"
      })
  void unsignedUrlThatIsNotAUrl_marksTheJobDownloadFailedAtTheFirstTry_withTheReason(String url) {
    f.putJobWithRawUrls(JOB, "completed", List.of(url));

    StreamsEventResponse response =
        f.handler.handleRequest(
            event(changeWithRawUrls("100", JOB, "pending", "completed", List.of(url))), null);

    assertRefused(response, JOB, "refused unsigned URL #0");
    assertTrue(f.job(JOB).download().lastError().contains("not a URL"), f.job(JOB).toString());
    assertEquals(List.of(), f.storage.received());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://169.254.169.254/latest/meta-data/iam/",
        "https://[::ffff:169.254.169.254]/",
        "https://metadata.evil.test/",
        "http://cdn.example.com/0.mp4",
        "https://192.168.0.1/"
      })
  void redirectIntoANonPublicAddress_isRefused_andNothingFollowsIt(String target) {
    f.dns.with("metadata.evil.test", "169.254.169.254");
    f.storage.on("/v/0.mp4", redirect(302, URI.create(target)));

    StreamsEventResponse response = completed(JOB, List.of(f.storage.url("/v/0.mp4")));

    assertRefused(response, JOB, "refused");
    assertEquals(1, f.storage.received().size());
  }

  @Test
  void aNameIsResolvedOnce_andTheConnectionGoesToTheAddressChecked() {
    // the JVM's own DNS knows no "video.test": a second lookup would fail the download
    f.dns.with("video.test", "127.0.0.1");
    byte[] video = GeneratedBytes.bytes(1000);
    f.storage.on("/v/0.mp4", ok(video, "video/mp4"));

    StreamsEventResponse response =
        completed(JOB, List.of(f.storage.urlAs("video.test", "/v/0.mp4")));

    assertEquals(List.of(), response.getBatchItemFailures());
    assertArrayEquals(video, f.object(KEY));
    assertEquals(List.of("video.test"), f.dns.asked());
    assertTrue(
        f.storage.received().get(0).getHeader("Host").startsWith("video.test:"),
        "the Host header names the URL's host");
  }

  @Test
  void plainHttpToLoopback_isRefused_whenLocalModeIsOff() {
    DownloadFixture strict = new DownloadFixture(b -> b.allowLoopbackHttp(false));
    try {
      strict.storage.on("/v/0.mp4", ok(GeneratedBytes.bytes(10), "video/mp4"));
      List<URI> urls = List.of(strict.storage.url("/v/0.mp4"));
      strict.putJob(JOB, "completed", urls);

      StreamsEventResponse response =
          strict.handler.handleRequest(
              event(change("100", JOB, "pending", "completed", urls)), null);

      assertEquals(1, response.getBatchItemFailures().size());
      assertEquals(List.of(), strict.storage.received());
      assertEquals(JobStatus.DOWNLOAD_FAILED, strict.job(JOB).status());
    } finally {
      strict.close();
    }
  }

  @Test
  void redirectToPlainHttpOnAnotherHost_isRefused() {
    f.api.on(f.contentTarget(JOB), redirect(302, URI.create("http://cdn.example.com/0.mp4")));

    StreamsEventResponse response = completed(JOB, List.of());

    assertRefused(response, JOB, "plain http only to a loopback address");
  }

  @Test
  void jobIdTooLongForAnS3Key_marksTheJobDownloadFailedAtOnce_withoutARequest() {
    // "acme/openrouter/" + id + "/0.webm" (the longest extension): 1,002 id bytes make 1,025
    String id = "j".repeat(1002);
    f.storage.on("/v/0.mp4", ok(GeneratedBytes.bytes(10), "video/mp4"));

    StreamsEventResponse response = completed(id, List.of(f.storage.url("/v/0.mp4")));

    assertEquals(1, response.getBatchItemFailures().size());
    Job job = f.job(id);
    assertEquals(JobStatus.DOWNLOAD_FAILED, job.status());
    assertTrue(job.download().lastError().contains("over S3's 1024"), job.download().lastError());
    assertEquals(List.of(), f.storage.received());
    assertNothingInS3();
  }

  @Test
  void jobIdThatPercentEncodesPastTheLimit_isRefused_andTheLongestThatFits_isStored() {
    String encodesLong = "\u00e9".repeat(200); // 400 UTF-8 bytes, 1,200 once percent-encoded
    f.storage.on("/v/0.mp4", ok(GeneratedBytes.bytes(10), "video/mp4"));
    completed(encodesLong, List.of(f.storage.url("/v/0.mp4")));
    assertEquals(JobStatus.DOWNLOAD_FAILED, f.job(encodesLong).status());

    String fits = "j".repeat(1001);
    completed(fits, List.of(f.storage.url("/v/0.mp4")));
    assertEquals(JobStatus.STORED, f.job(fits).status());
    assertEquals(1023, f.job(fits).stored().objects().get(0).key().length());
  }

  @Test
  void nameThatDoesNotResolve_isRetried_notRefused() {
    StreamsEventResponse response =
        completed(JOB, List.of(URI.create("https://nowhere.test/0.mp4")));

    assertFailedOnce(response, JOB);
    assertTrue(f.job(JOB).download().lastError().contains("does not resolve"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"failed", "cancelled", "expired"})
  void jobThatDidNotComplete_isNotDownloaded(String terminal) {
    f.storage.on("/v/0.mp4", ok(GeneratedBytes.bytes(10), "video/mp4"));
    List<URI> urls = List.of(f.storage.url("/v/0.mp4"));
    f.putJob(JOB, terminal, urls);

    StreamsEventResponse response =
        f.handler.handleRequest(event(change("100", JOB, "pending", terminal, urls)), null);

    assertEquals(List.of(), response.getBatchItemFailures());
    assertEquals(List.of(), f.storage.received());
    assertEquals(terminal, f.job(JOB).status().value());
    assertNothingInS3();
  }

  @Test
  void updateThatKeepsCompleted_doesNotDownloadAgain() {
    f.storage.on("/v/0.mp4", ok(GeneratedBytes.bytes(10), "video/mp4"));
    List<URI> urls = List.of(f.storage.url("/v/0.mp4"));
    f.putJob(JOB, "completed", urls);

    f.handler.handleRequest(event(change("100", JOB, "completed", "completed", urls)), null);

    assertEquals(List.of(), f.storage.received());
  }

  @Test
  void recordForAJobAlreadyStored_isANoOp() {
    f.storage.on("/v/0.mp4", ok(GeneratedBytes.bytes(10), "video/mp4"));
    List<URI> urls = List.of(f.storage.url("/v/0.mp4"));
    completed(JOB, urls);
    int requests = f.storage.received().size();

    StreamsEventResponse replay =
        f.handler.handleRequest(event(change("100", JOB, "pending", "completed", urls)), null);

    assertEquals(List.of(), replay.getBatchItemFailures());
    assertEquals(requests, f.storage.received().size());
    assertEquals(JobStatus.STORED, f.job(JOB).status());
  }

  @Test
  void deliveryItemsAndRemovals_areIgnored() {
    var delivery =
        JobItems.toItem(
            new DeliveryRecord(
                DownloadFixture.key(DownloadFixture.TENANT, JOB),
                JOB + "-completed",
                "completed",
                "{}",
                null,
                DownloadFixture.NOW,
                null));
    var jobImage = DownloadFixture.image(JOB, "completed", List.of(f.storage.url("/v/0.mp4")));

    StreamsEventResponse response =
        f.handler.handleRequest(
            event(
                DownloadFixture.record("INSERT", "1", null, delivery),
                DownloadFixture.record("REMOVE", "2", jobImage, null)),
            null);

    assertEquals(List.of(), response.getBatchItemFailures());
    assertEquals(List.of(), f.storage.received());
  }

  @Test
  void batchWithOneBadRecord_reportsOnlyThatRecord() {
    f.storage.on("/v/good-1", ok(GeneratedBytes.bytes(100), "video/mp4"));
    f.storage.on("/v/bad", status(404));
    f.storage.on("/v/good-2", ok(GeneratedBytes.bytes(200), "video/mp4"));
    List<URI> good1 = List.of(f.storage.url("/v/good-1"));
    List<URI> bad = List.of(f.storage.url("/v/bad"));
    List<URI> good2 = List.of(f.storage.url("/v/good-2"));
    f.putJob("j1", "completed", good1);
    f.putJob("j2", "completed", bad);
    f.putJob("j3", "completed", good2);

    StreamsEventResponse response =
        f.handler.handleRequest(
            event(
                change("201", "j1", "pending", "completed", good1),
                change("202", "j2", "pending", "completed", bad),
                change("203", "j3", "pending", "completed", good2)),
            null);

    assertEquals(
        List.of("202"),
        response.getBatchItemFailures().stream()
            .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
            .toList());
    assertEquals(JobStatus.STORED, f.job("j1").status());
    assertEquals(JobStatus.COMPLETED, f.job("j2").status());
    assertEquals(JobStatus.STORED, f.job("j3").status());
  }

  @Test
  void handlerBuiltFromSettings_storesAVideo_withTheProductionS3AndDynamoDbClients() {
    byte[] video = GeneratedBytes.bytes(9 * MIB);
    f.api.on(f.contentTarget(JOB), ok(video, "video/mp4"));
    DownloadHandler fromSettings =
        new DownloadHandler(
            DownloadService.fromEnvironment(
                Map.of(
                    "JOBS_TABLE",
                    f.table,
                    "VIDEO_BUCKET",
                    f.bucket,
                    "DYNAMODB_ENDPOINT",
                    SharedMoto.get().endpoint().toString(),
                    "S3_ENDPOINT",
                    f.s3.endpoint().toString(),
                    "DOWNLOAD_ALLOW_LOOPBACK_HTTP",
                    "true",
                    "OPENROUTER_API_BASE",
                    f.api.url("/api/v1").toString(),
                    "OPENROUTER_API_KEY",
                    API_KEY)));
    f.putJob(JOB, "completed", List.of());

    StreamsEventResponse response =
        fromSettings.handleRequest(
            event(change("100", JOB, "pending", "completed", List.of())), null);

    assertEquals(List.of(), response.getBatchItemFailures());
    assertEquals(JobStatus.STORED, f.job(JOB).status());
    assertEquals(GeneratedBytes.sha256(video), GeneratedBytes.sha256(f.object(KEY)));
    assertEquals(
        "Bearer " + API_KEY,
        f.api.received(f.contentTarget(JOB)).get(0).getHeader("Authorization"));
  }

  @Test
  void sampleStreamEvent_fromEventsFolder_isDownloadedThroughTheHandler() {
    DynamodbEvent event = EventLoader.loadDynamoDbEvent("events/dynamodb-stream-completed.json");
    var record = event.getRecords().get(0);
    CompletedJob job = StreamRecords.newlyCompletedJob(record).orElseThrow();
    assertEquals("Nxff2D1Z6w4Zk9iNuZam", job.jobId());
    // the sample's storage host is not reachable here: point its URL at the local server
    byte[] video = GeneratedBytes.bytes(777);
    f.storage.on("/videos/Nxff2D1Z6w4Zk9iNuZam/0.mp4", ok(video, "video/mp4"));
    URI local = f.storage.url("/videos/Nxff2D1Z6w4Zk9iNuZam/0.mp4");
    Job sample =
        JobItems.job(
                DynamodbAttributeValueTransformer.toAttributeValueMapV2(
                    record.getDynamodb().getNewImage()))
            .orElseThrow();
    record
        .getDynamodb()
        .setNewImage(
            LocalStreamPoller.lambdaImage(
                JobItems.toItem(TestJobs.withUnsignedUrls(sample, List.of(local.toString())))));
    f.putJob(job.tenant(), job.jobId(), "completed", List.of(local));

    StreamsEventResponse response = f.handler.handleRequest(event, null);

    assertEquals(List.of(), response.getBatchItemFailures());
    String key = job.tenant() + "/openrouter/Nxff2D1Z6w4Zk9iNuZam/0.mp4";
    assertArrayEquals(
        video, f.s3.client().getObjectAsBytes(b -> b.bucket(f.bucket).key(key)).asByteArray());
  }
}
