package dev.videohook.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.config.ConfigurationException;
import dev.videohook.job.DeliveryRecord;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobPage;
import dev.videohook.job.JobStatus;
import dev.videohook.job.TestJobs;
import dev.videohook.provider.Provider;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.simulator.Faults;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reconciler against moto and the simulated provider: lost webhooks recorded through the
 * receiver's commit, young and running jobs left alone, overdue ones expired, throttling backed
 * off, bad jobs counted, work bounded.
 */
class ReconcilerTest {
  private static final String KEY = "sk-reconcile-test";
  private static final Provider PROVIDER = ReconcileStage.PROVIDER;

  @RegisterExtension static final ReconcileStage stage = new ReconcileStage(KEY);

  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @BeforeEach
  void clear() {
    sleeps.clear();
  }

  private ReconcileConfig config(int maxJobs) {
    return stage.config(maxJobs);
  }

  /** A reconciler whose clock runs {@code ahead} of the wall clock (so jobs look that old). */
  private Reconciler reconciler(Duration ahead, int maxJobs, Reconciler.ProviderClients clients) {
    return new Reconciler(
        stage.jobs(),
        clients,
        Clock.offset(Clock.systemUTC(), ahead),
        sleeps::add,
        config(maxJobs));
  }

  private Reconciler reconciler(Duration ahead) {
    return reconciler(ahead, 200, clients());
  }

  private Reconciler.ProviderClients clients() {
    return Reconciler.clients(
        config(200), TenantSecrets.fromEnvironment(Map.of(PROVIDER.apiKeyEnv(), KEY)));
  }

  private static Instant later() {
    return Instant.now().plus(Duration.ofDays(2));
  }

  /** Submits to the simulator with a dead callback URL and records the job pending. */
  private JobKey submit(Faults faults, Instant submittedAt) throws Exception {
    stage.simulator().setFaults(faults);
    String id = stage.submitWithDeadCallback();
    JobKey key = new JobKey("acme", PROVIDER, id);
    stage.jobs().recordSubmitted(key, "google/veo-3.1-lite", "a lamp", submittedAt);
    return key;
  }

  private JobKey finishedWithoutWebhook() throws Exception {
    JobKey key =
        submit(
            Faults.none().withWebhookNeverSent().withCompletionDelay(Duration.ofMillis(1)),
            Instant.now());
    assertTrue(stage.simulator().awaitDelivered(key.jobId(), Duration.ofSeconds(10)));
    return key;
  }

  private long statusCalls(String jobId) {
    return stage.simulator().apiRequests().stream()
        .filter(r -> r.path().endsWith("/" + jobId))
        .count();
  }

  private Job job(JobKey key) {
    return stage.jobs().find(key).orElseThrow();
  }

  @Test
  void lostWebhook_isRecordedThroughTheWebhooksCommit_withItsDedupeKey() throws Exception {
    JobKey key = finishedWithoutWebhook();
    assertTrue(stage.simulator().deliveries(key.jobId()).isEmpty(), "no webhook was ever sent");

    ReconcileReport report = reconciler(Duration.ofHours(1)).run(later());

    assertEquals(1, report.examined());
    assertEquals(1, report.recovered());
    assertTrue(report.complete());
    Job job = job(key);
    assertEquals(JobStatus.COMPLETED, job.status());
    assertEquals(key.jobId() + "-completed", job.terminalDelivery());
    assertEquals(
        List.of(stage.simulator().cdnBase() + "/files/" + key.jobId() + "/0.mp4"),
        job.unsignedUrls());
    assertEquals("a lamp", job.prompt(), "what submit recorded stays");
    DeliveryRecord delivery = stage.jobs().terminalDelivery(key).orElseThrow();
    assertTrue(delivery.rawEvent().contains("\"source\":\"reconciler\""), delivery.rawEvent());
    assertTrue(delivery.rawEvent().contains(key.jobId()), delivery.rawEvent());

    ReconcileReport again = reconciler(Duration.ofHours(1)).run(later());
    assertEquals(0, again.examined(), "a recorded job is not pending any more");
    assertEquals(1, stage.jobs().deliveryRecords(key.jobId()));
  }

  @Test
  void failedAtTheProvider_isRecordedFailed_withTheProvidersError() throws Exception {
    JobKey key =
        submit(
            Faults.none()
                .withOutcome(JobStatus.FAILED)
                .withWebhookNeverSent()
                .withCompletionDelay(Duration.ofMillis(1)),
            Instant.now());
    assertTrue(stage.simulator().awaitDelivered(key.jobId(), Duration.ofSeconds(10)));

    assertEquals(1, reconciler(Duration.ofHours(1)).run(later()).recovered());

    Job job = job(key);
    assertEquals(JobStatus.FAILED, job.status());
    assertTrue(job.error().contains("simulated failure"), job.error());
  }

  @Test
  void youngPendingJob_isLeftToItsWebhook_andTheProviderIsNotAsked() throws Exception {
    JobKey key = finishedWithoutWebhook();

    ReconcileReport report = reconciler(Duration.ZERO).run(later());

    assertEquals(0, report.examined());
    assertEquals(0, statusCalls(key.jobId()));
    assertEquals(JobStatus.PENDING, job(key).status());
  }

  @Test
  void runningJob_isLeftPending_untilTheDeadline_thenExpiredWithAReason() throws Exception {
    JobKey running = submit(Faults.none().withCompletionDelay(Duration.ofHours(1)), Instant.now());

    ReconcileReport report = reconciler(Duration.ofHours(1)).run(later());
    assertEquals(1, report.stillRunning());
    assertEquals(JobStatus.PENDING, job(running).status());

    ReconcileReport overdue = reconciler(Duration.ofHours(25)).run(later());
    assertEquals(1, overdue.expired());
    Job expired = job(running);
    assertEquals(JobStatus.EXPIRED, expired.status());
    assertTrue(expired.error().contains("expired by the reconciler"), expired.error());
    assertTrue(expired.error().contains("pending"), expired.error());
  }

  @Test
  void statusUnknownToVideohook_isKeptPending_withANoteThatNamesItAsSent() throws Exception {
    JobKey key = submit(Faults.none().withCompletionDelay(Duration.ofHours(1)), Instant.now());
    stage.simulator().reportStatus(key.jobId(), "queued_for_review");

    reconciler(Duration.ofHours(1)).run(later());

    Job job = job(key);
    assertEquals(JobStatus.PENDING, job.status());
    assertEquals(
        "the provider reports status 'queued_for_review', unknown to videohook: kept pending",
        job.reconcile().lastOutcome());
  }

  @Test
  void jobUnknownToTheProvider_isExpiredPastTheDeadlineOnly() {
    JobKey unknown = new JobKey("acme", PROVIDER, "never-submitted");
    stage.jobs().recordSubmitted(unknown, "m", "p", Instant.now());

    assertEquals(1, reconciler(Duration.ofHours(1)).run(later()).stillRunning());
    assertEquals(JobStatus.PENDING, job(unknown).status());
    assertEquals(1, reconciler(Duration.ofHours(25)).run(later()).expired());
    assertTrue(job(unknown).error().contains("404"), job(unknown).error());
  }

  @Test
  void throttlingProvider_isBackedOff_andLeftAloneAfterThreeInARow() throws Exception {
    List<JobKey> keys = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      keys.add(
          submit(
              Faults.none()
                  .withWebhookNeverSent()
                  .withThrottledStatusCalls(1000)
                  .withCompletionDelay(Duration.ofMillis(1)),
              Instant.now().plusMillis(i)));
    }

    ReconcileReport report = reconciler(Duration.ofHours(1)).run(later());

    assertEquals(3, report.throttled());
    assertEquals(1, report.skipped());
    assertFalse(report.complete());
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), sleeps);
    assertEquals(3, keys.stream().mapToLong(k -> statusCalls(k.jobId())).sum(), "never hammered");
    keys.forEach(k -> assertEquals(JobStatus.PENDING, job(k).status()));
  }

  @Test
  void oneBadJob_neverStopsTheRun() throws Exception {
    JobKey broken = new JobKey("broken", PROVIDER, "whatever");
    stage.jobs().recordSubmitted(broken, "m", "p", Instant.now().minusSeconds(60));
    JobKey lost = finishedWithoutWebhook();
    Reconciler.ProviderClients real = clients();
    Reconciler.ProviderClients failing =
        (tenant, provider) -> {
          if (tenant.equals("broken")) {
            throw new IllegalStateException("secrets unreadable");
          }
          return real.forTenant(tenant, provider);
        };

    ReconcileReport report = reconciler(Duration.ofHours(1), 200, failing).run(later());

    assertEquals(1, report.errors());
    assertEquals(1, report.recovered());
    assertEquals(JobStatus.PENDING, job(broken).status());
    assertEquals(JobStatus.COMPLETED, job(lost).status());
  }

  @Test
  void work_isBoundedByTheCap_andByTheTimeBudget() throws Exception {
    List<JobKey> keys = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      keys.add(finishedWithoutWebhook());
    }

    ReconcileReport capped = reconciler(Duration.ofHours(1), 2, clients()).run(later());
    assertEquals(2, capped.examined());
    assertFalse(capped.complete());

    ReconcileReport noTime = reconciler(Duration.ofHours(1)).run(Instant.now().minusSeconds(1));
    assertEquals(0, noTime.examined());
    assertFalse(noTime.complete());

    ReconcileReport rest = reconciler(Duration.ofHours(1)).run(later());
    assertEquals(1, rest.recovered());
    keys.forEach(k -> assertEquals(JobStatus.COMPLETED, job(k).status()));
  }

  @Test
  void statusIndex_pagesThroughPendingJobsOnly_oldestFirst() {
    Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
    for (int i = 0; i < 3; i++) {
      stage
          .jobs()
          .recordSubmitted(new JobKey("acme", PROVIDER, "p" + i), "m", "p", t0.plusSeconds(i));
    }
    stage
        .jobs()
        .recordSubmitted(new JobKey("acme", PROVIDER, "young"), "m", "p", t0.plusSeconds(100));
    stage
        .jobs()
        .put(
            TestJobs.job(new JobKey("acme", PROVIDER, "done"), JobStatus.COMPLETED, List.of(), t0));

    List<String> ids = new ArrayList<>();
    JobPage.Cursor cursor = null;
    int pages = 0;
    do {
      JobPage page = stage.jobs().pendingUpdatedBefore(t0.plusSeconds(50), 1, cursor);
      page.jobs().forEach(j -> ids.add(j.jobId()));
      cursor = page.next().orElse(null);
      pages++;
    } while (cursor != null && pages < 10);

    assertEquals(List.of("p0", "p1", "p2"), ids);
  }

  @Test
  void config_namesEveryProblemAtOnce() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () ->
                ReconcileConfig.fromEnvironment(
                    Map.of(
                        ReconcileConfig.RECONCILE_MIN_AGE_SECONDS,
                        "soon",
                        ReconcileConfig.RECONCILE_INTERVAL_SECONDS,
                        "-5",
                        PROVIDER.apiBaseEnv(),
                        "http://api.example.com/v1")));
    String all = String.join("\n", e.problems());
    for (String name :
        List.of(
            "JOBS_TABLE",
            ReconcileConfig.RECONCILE_MIN_AGE_SECONDS,
            ReconcileConfig.RECONCILE_INTERVAL_SECONDS,
            PROVIDER.apiBaseEnv())) {
      assertTrue(all.contains(name), all);
    }
    ConfigurationException order =
        assertThrows(
            ConfigurationException.class,
            () ->
                ReconcileConfig.fromEnvironment(
                    Map.of(
                        "JOBS_TABLE",
                        "t",
                        ReconcileConfig.RECONCILE_MIN_AGE_SECONDS,
                        "7200",
                        ReconcileConfig.RECONCILE_DEADLINE_SECONDS,
                        "3600")));
    assertTrue(order.problems().get(0).contains(ReconcileConfig.RECONCILE_DEADLINE_SECONDS));
    ReconcileConfig defaults = ReconcileConfig.fromEnvironment(Map.of("JOBS_TABLE", "t"));
    assertEquals(Duration.ofHours(24), defaults.deadline());
    assertEquals(Duration.ofMinutes(15), defaults.minAge());
  }

  @Test
  void config_localMode_isTheDownloadersOneSwitch_refusedInsideLambda() {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("JOBS_TABLE", "t");
    env.put(PROVIDER.apiBaseEnv(), "http://127.0.0.1:9000/api/v1");
    assertThrows(ConfigurationException.class, () -> ReconcileConfig.fromEnvironment(env));

    env.put("DOWNLOAD_ALLOW_LOOPBACK_HTTP", "true");
    assertEquals(
        URI.create("http://127.0.0.1:9000/api/v1"),
        ReconcileConfig.fromEnvironment(env).apiBases().get(PROVIDER));

    env.put("AWS_LAMBDA_FUNCTION_NAME", "videohook-ReconcileFunction-abc");
    ConfigurationException inLambda =
        assertThrows(ConfigurationException.class, () -> ReconcileConfig.fromEnvironment(env));
    assertTrue(
        inLambda.getMessage().contains("DOWNLOAD_ALLOW_LOOPBACK_HTTP"), inLambda.getMessage());
  }

  @Test
  void completedJobPastTheStreamsReach_endsDownloadFailed_withTheReason() {
    JobKey stranded = new JobKey("acme", PROVIDER, "job_stranded");
    JobKey stored = new JobKey("acme", PROVIDER, "job_stored_long_ago");
    Instant now = Instant.now();
    stage.jobs().put(TestJobs.job(stranded, JobStatus.COMPLETED, List.of(), now));
    stage.jobs().put(TestJobs.job(stored, JobStatus.STORED, List.of(), now));

    ReconcileReport report = reconciler(Duration.ofHours(26)).run(later());

    assertEquals(1, report.strandedDownloads());
    Job job = job(stranded);
    assertEquals(JobStatus.DOWNLOAD_FAILED, job.status());
    assertTrue(job.download().lastError().startsWith("stranded:"), job.download().lastError());
    assertEquals(JobStatus.STORED, job(stored).status(), "only completed jobs are looked at");
  }

  @Test
  void completedJobTheStreamCanStillDeliver_isLeftAlone() {
    JobKey recent = new JobKey("acme", PROVIDER, "job_recent");
    stage.jobs().put(TestJobs.job(recent, JobStatus.COMPLETED, List.of(), Instant.now()));

    ReconcileReport report = reconciler(Duration.ofHours(24)).run(later());

    assertEquals(0, report.strandedDownloads());
    assertEquals(JobStatus.COMPLETED, job(recent).status());
  }
}
