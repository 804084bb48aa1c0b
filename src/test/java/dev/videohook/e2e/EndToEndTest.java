package dev.videohook.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.cli.VideohookCli;
import dev.videohook.download.StreamRecords;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.StoredObject;
import dev.videohook.job.TestJobs;
import dev.videohook.local.LocalVideohook;
import dev.videohook.provider.Provider;
import dev.videohook.provider.SubmitRequest;
import dev.videohook.reconcile.ReconcileReport;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.ProviderSimulator;
import dev.videohook.simulator.ProviderSimulator.DeliveryAttempt;
import dev.videohook.simulator.VideoBytes;
import dev.videohook.testing.LocalStackExtension;
import dev.videohook.testing.VideoHost;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Submission to stored state through the whole local stack: the simulated provider takes the job
 * and delivers a signed webhook over HTTP to the local API server, which runs the real handler on
 * moto. Each fault switch ends in the state a careful receiver must reach.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndTest {
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(60);

  // the truncated video's 32 attempts (4 stream deliveries, each 4 tries of its first source and 4
  // of the signed URL) would otherwise wait out ~20 s of production backoff
  @RegisterExtension
  static final LocalStackExtension local = new LocalStackExtension().withQuickDownloadRetries();

  private static String submitAndAwait(Provider provider, String tenant, Faults faults)
      throws Exception {
    ProviderSimulator simulator = local.stack().simulator(provider);
    simulator.setFaults(faults.withCompletionDelay(Duration.ofMillis(50)));
    String jobId =
        local.stack().submit(provider, tenant, "google/veo-3.1-lite", "a desk lamp").id();
    assertTrue(
        simulator.awaitDelivered(jobId, DELIVERY_TIMEOUT),
        "the simulator's webhook was not acknowledged");
    return jobId;
  }

  private static Job job(String tenant, Provider provider, String jobId) {
    return local.stack().jobStore().find(new JobKey(tenant, provider, jobId)).orElseThrow();
  }

  private static long deliveryRecords(String jobId) {
    return TestJobs.deliveryRecords(local.stack().dynamoDb(), LocalVideohook.TABLE, jobId);
  }

  private static List<Integer> statuses(Provider provider, String jobId) {
    return local.stack().simulator(provider).deliveries(jobId).stream()
        .map(DeliveryAttempt::status)
        .toList();
  }

  /** Waits for the job to leave {@code completed} (the downloader's answer) and returns it. */
  private static Job awaitStored(String tenant, Provider provider, String jobId)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(DOWNLOAD_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      Job job = job(tenant, provider, jobId);
      if (job.status() == JobStatus.STORED) {
        return job;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        jobId + " was not stored within " + DOWNLOAD_TIMEOUT + ": " + job(tenant, provider, jobId));
  }

  private static List<S3Object> objects(String jobId) {
    return local.stack().s3().objects(LocalVideohook.BUCKET).stream()
        .filter(o -> o.key().contains("/" + jobId + "/"))
        .toList();
  }

  private static long cdnFetches(Provider provider, String jobId) {
    return local.stack().simulator(provider).cdnRequests().stream()
        .filter(r -> r.path().contains("/" + jobId + "/"))
        .count();
  }

  private static long contentEndpointFetches(Provider provider, String jobId) {
    return local.stack().simulator(provider).apiRequests().stream()
        .filter(r -> r.path().endsWith("/" + jobId + "/content"))
        .count();
  }

  @ParameterizedTest
  @EnumSource(Provider.class)
  void happyPath_submittedJobEndsAsAStoredObject_withTheProvidersBytes(Provider provider)
      throws Exception {
    long size = 3L * 1024 * 1024 + 17;
    String jobId = submitAndAwait(provider, "acme", Faults.none().withVideoBytes(size));

    Job job = awaitStored("acme", provider, jobId);
    assertEquals("a desk lamp", job.prompt(), "what submit recorded is kept");
    assertEquals(List.of(204), statuses(provider, jobId));
    String key = "acme/" + provider.id() + "/" + jobId + "/0.mp4";
    assertEquals(key, job.stored().objects().get(0).key());
    assertEquals(VideoBytes.sha256(jobId, size), job.stored().objects().get(0).sha256());
    byte[] stored =
        local
            .stack()
            .s3()
            .client()
            .getObjectAsBytes(b -> b.bucket(LocalVideohook.BUCKET).key(key))
            .asByteArray();
    assertEquals(
        VideoBytes.sha256(jobId, size),
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored)));
    assertTrue(
        local.stack().simulator(provider).cdnRequests().stream()
            .allMatch(r -> r.authorization() == null),
        "the API key never reaches the CDN");
  }

  @Test
  void duplicateDeliveries_giveOneRecord_oneDownload_andEvery204() throws Exception {
    String jobId =
        submitAndAwait(Provider.OPENROUTER, "$default", Faults.none().withDuplicateDeliveries(3));
    awaitStored("$default", Provider.OPENROUTER, jobId);

    assertEquals(List.of(204, 204, 204, 204), statuses(Provider.OPENROUTER, jobId));
    assertEquals(1, deliveryRecords(jobId));
    assertEquals(1, objects(jobId).size());
    assertEquals(1, cdnFetches(Provider.OPENROUTER, jobId), "downloaded once");
  }

  @Test
  void concurrentDuplicates_giveOneRecord_oneDownload_andEvery204() throws Exception {
    String jobId =
        submitAndAwait(Provider.MODELGATES, "$default", Faults.none().withConcurrentDuplicates(16));
    awaitStored("$default", Provider.MODELGATES, jobId);

    List<Integer> statuses = statuses(Provider.MODELGATES, jobId);
    assertEquals(16, statuses.size());
    assertTrue(statuses.stream().allMatch(s -> s == 204), statuses.toString());
    assertEquals(1, deliveryRecords(jobId));
    assertEquals(1, objects(jobId).size());
    assertEquals(1, cdnFetches(Provider.MODELGATES, jobId), "downloaded once");
  }

  @Test
  void noUnsignedUrls_downloadsFromTheContentEndpoint_withTheApiKey() throws Exception {
    String jobId =
        submitAndAwait(Provider.OPENROUTER, "$default", Faults.none().withContentEndpointOnly());

    awaitStored("$default", Provider.OPENROUTER, jobId);

    assertEquals(1, contentEndpointFetches(Provider.OPENROUTER, jobId));
    assertEquals(0, cdnFetches(Provider.OPENROUTER, jobId));
  }

  @Test
  void badGatewayOnTheFirstContentFetch_isRetried_andTheVideoStored() throws Exception {
    String jobId =
        submitAndAwait(
            Provider.MODELGATES,
            "$default",
            Faults.none().withContentEndpointOnly().withBadGatewayFirstFetches(1));

    awaitStored("$default", Provider.MODELGATES, jobId);

    assertEquals(2, contentEndpointFetches(Provider.MODELGATES, jobId));
  }

  @Test
  void contentProxyAnswering502_endsStoredFromTheSignedUrl_withNoBearerAtTheStorageHost()
      throws Exception {
    Faults proxyDown = Faults.named(Faults.Trigger.PROXY_DOWN.id(), Faults.none()).orElseThrow();
    String jobId = submitAndAwait(Provider.OPENROUTER, "$default", proxyDown);

    Job job = awaitStored("$default", Provider.OPENROUTER, jobId);

    assertEquals(
        List.of(StoredObject.Source.SIGNED_URL),
        job.stored().objects().stream().map(StoredObject::source).toList());
    assertEquals(
        VideoBytes.sha256(jobId, proxyDown.videoBytes()), job.stored().objects().get(0).sha256());
    assertTrue(cdnFetches(Provider.OPENROUTER, jobId) > 0, "the proxy was tried first");
    List<ProviderSimulator.ReceivedRequest> storage =
        local.stack().simulator(Provider.OPENROUTER).storageRequests().stream()
            .filter(r -> r.path().contains("/" + jobId + "/"))
            .toList();
    assertEquals(1, storage.size(), "fetched once from the storage host");
    assertEquals(null, storage.get(0).authorization(), "no bearer reached the storage host");
  }

  @Test
  void completedJob_recordsTheProvidersOutputExpiry_fromItsWebhook() throws Exception {
    String jobId = submitAndAwait(Provider.MODELGATES, "$default", Faults.none());

    Job job = awaitStored("$default", Provider.MODELGATES, jobId);

    Object expiresAt =
        local.stack().providerClient(Provider.MODELGATES).status(jobId).raw().get("expires_at");
    assertEquals(Instant.ofEpochSecond(((Number) expiresAt).longValue()), job.outputsExpireAt());
  }

  @Test
  void slowContent_isStoredWhole() throws Exception {
    long size = 512 * 1024;
    String jobId =
        submitAndAwait(
            Provider.OPENROUTER,
            "$default",
            Faults.none().withVideoBytes(size).withContentBytesPerSecond(1024 * 1024));

    Job job = awaitStored("$default", Provider.OPENROUTER, jobId);

    assertEquals(VideoBytes.sha256(jobId, size), job.stored().objects().get(0).sha256());
  }

  @Test
  void sendTestWithALoopbackUrl_endsStored_withItsSha256AtGetJobs() throws Exception {
    // what a person does against serve mode: a file on this machine, a signed webhook naming it
    byte[] video =
        "not really a video, but bytes all the same\n"
            .repeat(1000)
            .getBytes(StandardCharsets.UTF_8);
    try (VideoHost files = new VideoHost()) {
      files.on("/file", VideoHost.ok(video, "video/mp4"));
      String url = files.url("/file").toString();
      int exit =
          VideohookCli.run(
              new String[] {
                "send-test",
                "-p",
                "openrouter",
                "--url",
                local.stack().callbackUrl("$default", Provider.OPENROUTER).toString(),
                "--secret",
                local.stack().webhookSecret(Provider.OPENROUTER),
                "--job-id",
                "job_loopback_file",
                "--unsigned-url",
                url
              },
              Map.of(),
              new PrintWriter(Writer.nullWriter()),
              new PrintWriter(Writer.nullWriter()));
      assertEquals(0, exit);

      awaitStored("$default", Provider.OPENROUTER, "job_loopback_file");

      var response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(local.stack().apiBase() + "/jobs/job_loopback_file"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      Map<String, Object> record = JSON.std.mapFrom(response.body());
      String expected =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(video));
      assertEquals("stored", record.get("status"));
      assertEquals(List.of(expected), record.get("object_sha256s"));
    }
  }

  @Test
  @Order(Integer.MAX_VALUE) // its retries hold the stream's shard, as on AWS: run it last
  void truncatedContent_isNeverStored_nothingHalfWrittenIsVisible_andTheJobEndsDownloadFailed()
      throws Exception {
    String jobId =
        submitAndAwait(
            Provider.OPENROUTER,
            "$default",
            Faults.none().withVideoBytes(20L * 1024 * 1024).withTruncatedContent());

    Instant deadline = Instant.now().plus(DOWNLOAD_TIMEOUT);
    while (job("$default", Provider.OPENROUTER, jobId).status() != JobStatus.DOWNLOAD_FAILED) {
      assertTrue(
          Instant.now().isBefore(deadline),
          "the job was not given up on: " + job("$default", Provider.OPENROUTER, jobId));
      Thread.sleep(50);
    }
    while (local.stack().streamPoller().failedBatches().isEmpty()) {
      assertTrue(Instant.now().isBefore(deadline), "the batch did not reach the on-failure list");
      Thread.sleep(50);
    }

    Job job = job("$default", Provider.OPENROUTER, jobId);
    assertEquals(
        4, job.download().failedAttempts(), "the first attempt and the stream's 3 retries");
    assertTrue(job.download().lastError().length() > 0);
    assertTrue(objects(jobId).isEmpty(), "no object");
    assertTrue(
        local.stack().s3().multipartUploads(LocalVideohook.BUCKET).stream()
            .noneMatch(u -> u.key().contains(jobId)),
        "no dangling multipart upload");
    assertEquals(
        jobId,
        StreamRecords.newlyCompletedJob(local.stack().streamPoller().failedBatches().get(0).get(0))
            .orElseThrow()
            .jobId());
  }

  @Test
  void wrongSecret_isNeverRecorded_andTheSendersRetryWithTheRightOneSucceeds() throws Exception {
    String jobId =
        submitAndAwait(Provider.OPENROUTER, "$default", Faults.none().withWrongSecretAttempts(2));

    assertEquals(
        List.of("wrong-secret", "wrong-secret", "signed"),
        local.stack().simulator(Provider.OPENROUTER).deliveries(jobId).stream()
            .map(DeliveryAttempt::kind)
            .toList());
    assertEquals(List.of(401, 401, 204), statuses(Provider.OPENROUTER, jobId));
    assertEquals(1, deliveryRecords(jobId));
    assertEquals(JobStatus.COMPLETED, job("$default", Provider.OPENROUTER, jobId).status());
  }

  @Test
  void staleTimestamp_isRefused_andTheRetrySucceeds() throws Exception {
    String jobId =
        submitAndAwait(Provider.MODELGATES, "$default", Faults.none().withStaleAttempts(1));

    assertEquals(List.of(401, 204), statuses(Provider.MODELGATES, jobId));
    assertEquals(1, deliveryRecords(jobId));
  }

  @Test
  void failedJob_storesItsError_andDownloadsNothing() throws Exception {
    String jobId =
        submitAndAwait(
            Provider.OPENROUTER, "$default", Faults.none().withOutcome(JobStatus.FAILED));
    // a completed job submitted after it is stored only once the poller has passed the failed one
    String later = submitAndAwait(Provider.OPENROUTER, "$default", Faults.none());
    awaitStored("$default", Provider.OPENROUTER, later);

    Job job = job("$default", Provider.OPENROUTER, jobId);
    assertEquals(JobStatus.FAILED, job.status());
    assertTrue(job.error().contains("simulated failure"));
    assertEquals(
        0,
        cdnFetches(Provider.OPENROUTER, jobId)
            + contentEndpointFetches(Provider.OPENROUTER, jobId));
    assertTrue(objects(jobId).isEmpty());
  }

  @ParameterizedTest
  @EnumSource(
      value = JobStatus.class,
      names = {"CANCELLED", "EXPIRED"})
  void cancelledAndExpiredJobs_endInThatState(JobStatus outcome) throws Exception {
    String jobId =
        submitAndAwait(Provider.MODELGATES, "$default", Faults.none().withOutcome(outcome));

    assertEquals(outcome, job("$default", Provider.MODELGATES, jobId).status());
  }

  /**
   * A job whose webhook never arrives (its callback URL has no listener, and the provider gives up)
   * still ends {@code stored}: the reconciler finds it pending, asks the provider, commits the
   * answer as the webhook would have, and the stream downloads it. The real webhook arriving
   * afterwards is a duplicate: 204, nothing changes, nothing is downloaded again.
   */
  @Test
  void lostWebhook_endsStoredThroughTheReconciler_andTheLateWebhookIsADuplicate() throws Exception {
    Provider provider = Provider.OPENROUTER;
    ProviderSimulator simulator = local.stack().simulator(provider);
    long size = 2L * 1024 * 1024 + 5;
    simulator.setFaults(
        Faults.none()
            .withVideoBytes(size)
            .withWebhookNeverSent()
            .withCompletionDelay(Duration.ofMillis(20)));
    // nothing listens on port 9 (discard) of this machine's loopback
    URI deadCallback = URI.create("http://127.0.0.1:9/acme/openrouter/video-webhook");
    String jobId =
        local
            .stack()
            .providerClient(provider)
            .submit(
                new SubmitRequest(
                    "google/veo-3.1-lite",
                    "a desk lamp",
                    4,
                    "720p",
                    "16:9",
                    false,
                    deadCallback,
                    Map.of()))
            .id();
    JobKey key = new JobKey("acme", provider, jobId);
    local
        .stack()
        .jobStore()
        .recordSubmitted(key, "google/veo-3.1-lite", "a desk lamp", Instant.now());
    assertTrue(simulator.awaitDelivered(jobId, DELIVERY_TIMEOUT), "the job finished");
    assertTrue(simulator.deliveries(jobId).isEmpty(), "its webhook was lost");

    // an hour later, as the scheduled run would see it
    Clock anHourLater = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
    ReconcileReport report = local.stack().reconcile(anHourLater);
    assertEquals(1, report.recovered(), report.summary());

    Job stored = awaitStored("acme", provider, jobId);
    assertEquals(VideoBytes.sha256(jobId, size), stored.stored().objects().get(0).sha256());
    assertEquals(jobId + "-completed", stored.terminalDelivery());
    assertEquals(1, cdnFetches(provider, jobId));

    int late = simulator.deliverWebhook(jobId, local.stack().callbackUrl("acme", provider));

    assertEquals(204, late);
    assertEquals(stored, job("acme", provider, jobId), "nothing changed");
    assertEquals(1, deliveryRecords(jobId));
    assertEquals(0, local.stack().reconcile(anHourLater).examined(), "nothing is pending any more");
    Thread.sleep(500); // give a (wrong) second download the stream poller's interval to start
    assertEquals(1, cdnFetches(provider, jobId), "downloaded once");
  }

  /**
   * The reconciler gave up on a job (expired locally) whose provider finished after all: the
   * provider's signed completion replaces that local expiry, and the stream downloads the video the
   * user paid for.
   */
  @Test
  void jobExpiredByTheReconciler_thenCompletedByItsWebhook_endsStored() throws Exception {
    Provider provider = Provider.OPENROUTER;
    ProviderSimulator simulator = local.stack().simulator(provider);
    simulator.setFaults(
        Faults.none().withWebhookNeverSent().withCompletionDelay(Duration.ofMillis(20)));
    String jobId =
        local.stack().submit(provider, "acme", "google/veo-3.1-lite", "a late lamp").id();
    JobKey key = new JobKey("acme", provider, jobId);
    assertTrue(simulator.awaitDelivered(jobId, DELIVERY_TIMEOUT), "the job finished");
    assertTrue(
        local
            .stack()
            .jobStore()
            .expirePending(key, "expired by the reconciler: test", Instant.now()));

    int status = simulator.deliverWebhook(jobId, local.stack().callbackUrl("acme", provider));

    assertEquals(204, status);
    Job stored = awaitStored("acme", provider, jobId);
    assertEquals(jobId + "-completed", stored.terminalDelivery());
    assertEquals(1, cdnFetches(provider, jobId));
  }
}
