package dev.videohook.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.config.AwsClients;
import dev.videohook.config.SharedConfig;
import dev.videohook.download.DownloadHandler;
import dev.videohook.download.DownloadService;
import dev.videohook.event.EventType;
import dev.videohook.event.SampleEvents;
import dev.videohook.event.VideoEvent;
import dev.videohook.job.Delivery;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobScan;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.JobTable;
import dev.videohook.job.StoredObject;
import dev.videohook.local.LocalApiServer;
import dev.videohook.local.LocalEventBus;
import dev.videohook.local.LocalS3;
import dev.videohook.local.LocalSecrets;
import dev.videohook.local.LocalStreamPoller;
import dev.videohook.local.LocalVideohook;
import dev.videohook.local.MotoServer;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderClient;
import dev.videohook.provider.SubmitRequest;
import dev.videohook.signature.SignatureVerifier;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.GeneratedBytes;
import dev.videohook.simulator.ProviderSimulator;
import dev.videohook.simulator.ProviderSimulator.DeliveryAttempt;
import dev.videohook.testing.Await;
import dev.videohook.testing.SharedMoto;
import dev.videohook.testing.SharedS3;
import dev.videohook.testing.Soak;
import dev.videohook.testing.StreamingSource;
import dev.videohook.testing.StubSecrets;
import dev.videohook.testing.TcpProxy;
import dev.videohook.testing.VideoHost;
import dev.videohook.webhook.WebhookHandler;
import dev.videohook.webhook.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The reliability battery: the whole flow under load, duplicates and outages of the two stores,
 * each run against the real emulators. Bounded in size so that it runs in CI; no assertion is about
 * time.
 */
class ReliabilityTest {
  private static final Provider PROVIDER = Provider.OPENROUTER;
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @Test
  @Soak
  void thousandDeliveriesForNineHundredJobs_at32Way_storeEveryJobExactlyOnce() throws Exception {
    int jobs = 900;
    int duplicated = 100;
    try (LocalVideohook stack =
            LocalVideohook.start(0, Map.of(LocalSecrets.TENANTS_ENV, "battery"));
        VideoHost videos = new VideoHost()) {
      List<HttpRequest> requests = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        String jobId = "load_" + i;
        videos.on(path(jobId), VideoHost.ok(GeneratedBytes.bytes(1024 + i), "video/mp4"));
        HttpRequest request =
            signedCompleted(
                stack.callbackUrl("battery", PROVIDER),
                stack.webhookSecret(PROVIDER),
                jobId,
                videos.url(path(jobId)));
        requests.add(request);
        if (i < duplicated) {
          requests.add(request); // side by side: the 32 senders pick both copies at once
        }
      }

      List<Integer> answers = sendAll(requests, 32);

      assertEquals(jobs + duplicated, answers.size());
      assertEquals(Set.of(204), Set.copyOf(answers), "every delivery acknowledged");
      List<Job> recorded =
          JobScan.allJobs(stack.jobStore()).stream()
              .filter(j -> j.tenant().equals("battery"))
              .toList();
      assertEquals(jobs, recorded.size(), "one job per job id, none lost");
      Set<JobKey> unstored = new HashSet<>();
      for (int i = 0; i < jobs; i++) {
        unstored.add(new JobKey("battery", PROVIDER, "load_" + i));
      }
      await(() -> allStored(stack.jobStore(), unstored), "every completed job stored");
      List<S3Object> objects =
          stack.s3().objects(LocalVideohook.BUCKET).stream()
              .filter(o -> o.key().startsWith("battery/"))
              .toList();
      assertEquals(jobs, objects.size(), "one object per job");
      for (int i = 0; i < jobs; i++) {
        assertEquals(1, videos.received(path("load_" + i)).size(), "one fetch of load_" + i);
      }
    }
  }

  @Test
  void dynamoDbUnreachableMidRun_everyAcknowledgedDeliveryIsKept_andTheRestAreRetriedInto()
      throws Exception {
    String secret = "battery-secret";
    String table = SharedMoto.newJobTable();
    // the store stays up and keeps its items (moto keeps nothing over a restart): the outage is
    // the network path to it, cut and given back
    TcpProxy path = new TcpProxy(SharedMoto.get().endpoint());
    JobStore store =
        new JobStore(
            AwsClients.dynamoDb(
                new SharedConfig(
                    table, Region.US_EAST_1, Optional.of(path.endpoint()), Optional.empty())),
            table);
    WebhookHandler handler =
        new WebhookHandler(
            new WebhookReceiver(
                store,
                StubSecrets.signing(secret),
                SignatureVerifier.DEFAULT_TOLERANCE,
                64 * 1024,
                Clock.systemUTC()));
    // no S3 here: the presigner only signs links that this test never asks for
    S3Presigner presigner =
        S3Presigner.builder()
            .region(Region.US_EAST_1)
            .credentialsProvider(MotoServer.CREDENTIALS)
            .endpointOverride(URI.create("http://127.0.0.1:1"))
            .build();
    try (LocalEventBus events =
            LocalEventBus.create(
                SharedMoto.get().eventsClient(), SharedMoto.get().sqsClient(), table + "-events");
        LocalApiServer api = LocalApiServer.start(0, handler, store, events, presigner);
        ProviderSimulator simulator =
            ProviderSimulator.start(
                PROVIDER,
                "sk-battery",
                secret,
                Faults.none().withVideoBytes(1024).withCompletionDelay(Duration.ofMillis(100)))) {
      ProviderClient client = new ProviderClient(PROVIDER, simulator.apiBase(), "sk-battery");
      URI callback = URI.create(api.baseUri() + "/acme" + PROVIDER.webhookPath());
      List<String> before = submit(client, callback, 6);
      for (String jobId : before) {
        assertTrue(simulator.awaitDelivered(jobId, TIMEOUT), jobId + " was never delivered");
      }

      path.cut(); // the store goes away while webhooks keep arriving
      // as many as the simulator sends at once, so that each meets the outage before it retries
      List<String> during = submit(client, callback, 4);
      await(
          () ->
              during.stream()
                  .allMatch(id -> answers(simulator, id).stream().anyMatch(s -> s >= 500)),
          "every delivery during the outage was refused with 5xx");
      path.restore();
      for (String jobId : during) {
        assertTrue(simulator.awaitDelivered(jobId, TIMEOUT), jobId + " was never delivered");
      }

      for (String jobId : before) {
        assertEquals(List.of(204), answers(simulator, jobId), jobId + ": acknowledged at once");
        assertEquals(
            JobStatus.COMPLETED,
            store.find(new JobKey("acme", PROVIDER, jobId)).orElseThrow().status(),
            jobId + ", acknowledged before the outage, is still recorded after it");
      }
      for (String jobId : during) {
        List<Integer> answers = answers(simulator, jobId);
        assertEquals(204, answers.get(answers.size() - 1), jobId + " ended acknowledged");
        assertEquals(
            JobStatus.COMPLETED,
            store.find(new JobKey("acme", PROVIDER, jobId)).orElseThrow().status(),
            jobId + ", refused during the outage, was retried and recorded after it");
      }
    } finally {
      path.close();
    }
  }

  @Test
  @SuppressWarnings("try") // the poller works for its effect: the stream drives the download
  void s3UnreachableMidDownload_leavesNoPartialObject_andTheRetryStoresTheVideo() throws Exception {
    int retries = 6;
    byte[] video = GeneratedBytes.bytes(40 * 1024 * 1024);
    CountDownLatch s3Cut = new CountDownLatch(1);
    LocalS3 s3 = SharedS3.get();
    String bucket = SharedS3.newBucket();
    // S3 keeps running; the downloader reaches it only through this path, which the test cuts
    TcpProxy s3Path = new TcpProxy(s3.endpoint());
    MotoServer dynamoDb = SharedMoto.get();
    String table = SharedMoto.newJobTable();
    try (StreamingSource videos = new StreamingSource()) {
      // the first fetch pauses after 20 MiB (two parts on their way to S3) until S3 is cut off
      videos.on(
          path("job_s3"),
          StreamingSource.paused(video, 20 * 1024 * 1024, () -> awaitQuietly(s3Cut)),
          StreamingSource.ok(video, "video/mp4"));
      Map<String, String> settings = new HashMap<>();
      settings.put("JOBS_TABLE", table);
      settings.put("VIDEO_BUCKET", bucket);
      settings.put("DYNAMODB_ENDPOINT", dynamoDb.endpoint().toString());
      settings.put("S3_ENDPOINT", s3Path.endpoint().toString());
      settings.put("DOWNLOAD_ALLOW_LOOPBACK_HTTP", "true");
      settings.put("DOWNLOAD_RETRY_ATTEMPTS", Integer.toString(retries));
      settings.put(PROVIDER.apiKeyEnv(), "sk-battery");
      DownloadHandler downloads = new DownloadHandler(DownloadService.fromEnvironment(settings));
      JobStore store = new JobStore(dynamoDb.client(), table);
      JobKey key = new JobKey("acme", PROVIDER, "job_s3");
      try (LocalStreamPoller poller =
          new LocalStreamPoller(
              dynamoDb.client(),
              dynamoDb.streamsClient(),
              table,
              JobTable.DOWNLOAD_FILTER_PATTERNS,
              event -> downloads.handleRequest(event, null),
              10,
              retries,
              Duration.ofMillis(300))) {
        record(store, key, videos.url(path("job_s3")));

        await(() -> !s3.multipartUploads(bucket).isEmpty(), "an upload under way");
        s3Path.cut();
        s3Cut.countDown();
        await(
            () -> store.find(key).orElseThrow().download().failedAttempts() >= 1,
            "the attempt failed and was noted");
        s3Path.restore();
        await(
            () -> store.find(key).orElseThrow().status() == JobStatus.STORED,
            "the retry stored the video");
      }

      Job job = store.find(key).orElseThrow();
      StoredObject object = job.stored().objects().get(0);
      List<String> visible = s3.objects(bucket).stream().map(S3Object::key).toList();
      assertEquals(List.of(object.key()), visible, "only the complete object is visible");
      assertEquals(GeneratedBytes.sha256(video), object.sha256());
      assertEquals(video.length, object.size());
      String stored =
          GeneratedBytes.sha256(
              s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asByteArray());
      assertEquals(GeneratedBytes.sha256(video), stored, "the bytes in S3 are the video's");
      assertEquals(2, videos.received(path("job_s3")).size(), "one failed fetch, one retry");
    } finally {
      s3Path.close();
    }
  }

  // --- helpers ---

  private static List<String> submit(ProviderClient client, URI callback, int jobs)
      throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      ids.add(
          client
              .submit(
                  new SubmitRequest(
                      "google/veo-3.1-lite", "p" + i, 4, "720p", "16:9", false, callback, Map.of()))
              .id());
    }
    return ids;
  }

  /** The status codes the receiver gave the simulator's attempts for one job, in order. */
  private static List<Integer> answers(ProviderSimulator simulator, String jobId) {
    return simulator.deliveries(jobId).stream().map(DeliveryAttempt::status).toList();
  }

  private static String path(String jobId) {
    return "/v/" + jobId + ".mp4";
  }

  /** Commits a completed event for the job, as the receiver does for a verified delivery. */
  private static void record(JobStore store, JobKey key, URI video) throws Exception {
    byte[] body =
        JSON.std.asBytes(
            SampleEvents.terminal(EventType.COMPLETED, key.jobId(), List.of(video.toString())));
    VideoEvent event = VideoEvent.parse(body).orElseThrow();
    store.recordDelivery(
        new Delivery(
            key.tenant(),
            key.provider(),
            event,
            new String(body, StandardCharsets.UTF_8),
            null,
            Instant.now()));
  }

  private static HttpRequest signedCompleted(URI callback, String secret, String jobId, URI video)
      throws IOException {
    byte[] body =
        JSON.std.asBytes(
            SampleEvents.terminal(EventType.COMPLETED, jobId, List.of(video.toString())));
    return HttpRequest.newBuilder(callback)
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .header(
            PROVIDER.signatureHeader(), PROVIDER.sign(secret, Instant.now().getEpochSecond(), body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  /** Sends every request from {@code senders} threads; the answers' status codes. */
  private static List<Integer> sendAll(List<HttpRequest> requests, int senders) throws Exception {
    ExecutorService clientThreads = Executors.newFixedThreadPool(senders);
    HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    try {
      List<Future<Integer>> answers = new ArrayList<>();
      for (HttpRequest request : requests) {
        answers.add(
            pool.submit(
                () -> http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()));
      }
      List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
      for (Future<Integer> answer : answers) {
        statuses.add(answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
      }
      return statuses;
    } finally {
      pool.shutdownNow();
      clientThreads.shutdownNow();
    }
  }

  /**
   * Reads each job not yet seen stored (GetItem), forgets those now stored: true when none is left.
   */
  private static boolean allStored(JobStore store, Set<JobKey> unstored) {
    unstored.removeIf(key -> store.find(key).orElseThrow().status() == JobStatus.STORED);
    return unstored.isEmpty();
  }

  /** Waits for {@code latch} (within the test's timeout), keeping an interrupt for the caller. */
  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(BooleanSupplier condition, String what) {
    Await.until(condition, TIMEOUT, what);
  }
}
