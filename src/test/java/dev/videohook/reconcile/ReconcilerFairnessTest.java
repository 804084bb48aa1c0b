package dev.videohook.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.TestJobs;
import dev.videohook.metrics.Metrics;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderClient;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.ProviderSimulator;
import dev.videohook.testing.Soak;
import dev.videohook.testing.StubSecrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Jobs the reconciler cannot settle never keep it from the others: each pass has its own cap, every
 * outcome counts toward the job's deadline, a job that failed to settle waits for its next check
 * while the jobs never looked at go first, and a rotated API key is used at once.
 */
class ReconcilerFairnessTest {
  private static final String KEY = "sk-fairness-test";
  private static final Provider PROVIDER = ReconcileStage.PROVIDER;

  @RegisterExtension static final ReconcileStage stage = new ReconcileStage(KEY);

  private final List<String> metricLines = new CopyOnWriteArrayList<>();

  @BeforeEach
  void clear() {
    metricLines.clear();
  }

  private ReconcileConfig config() {
    return stage.config(ReconcileConfig.DEFAULT_MAX_JOBS_PER_RUN);
  }

  /**
   * Tenant "nokey" has no API key, tenant "badkey" a revoked one (401), every other tenant the
   * right one.
   */
  private Reconciler.ProviderClients unsettleableClients() {
    Reconciler.ProviderClients real =
        Reconciler.clients(
            config(), TenantSecrets.fromEnvironment(Map.of(PROVIDER.apiKeyEnv(), KEY)));
    ProviderClient revoked =
        new ProviderClient(PROVIDER, stage.simulator().apiBase(), "sk-revoked");
    return (tenant, provider) ->
        switch (tenant) {
          case "nokey" -> Optional.empty();
          case "badkey" -> Optional.of(revoked);
          default -> real.forTenant(tenant, provider);
        };
  }

  private ReconcileReport runAt(Instant now, Reconciler.ProviderClients clients) {
    Reconciler reconciler =
        new Reconciler(
            stage.jobs(),
            clients,
            Clock.fixed(now, ZoneOffset.UTC),
            d -> {},
            config(),
            new Metrics(Metrics.LOCAL_STACK, metricLines::add, Clock.fixed(now, ZoneOffset.UTC)));
    return reconciler.run(now.plus(Duration.ofHours(1)));
  }

  private String submitFinishedWithoutWebhook(Instant submittedAt) throws Exception {
    return submitFinishedWithoutWebhook(submittedAt, Faults.none());
  }

  private String submitFinishedWithoutWebhook(Instant submittedAt, Faults faults) throws Exception {
    stage
        .simulator()
        .setFaults(faults.withWebhookNeverSent().withCompletionDelay(Duration.ofMillis(1)));
    String id = stage.submitWithDeadCallback();
    assertTrue(stage.simulator().awaitDelivered(id, Duration.ofSeconds(10)));
    stage.jobs().recordSubmitted(new JobKey("acme", PROVIDER, id), "m", "a lamp", submittedAt);
    return id;
  }

  private Job job(JobKey key) {
    return stage.jobs().find(key).orElseThrow();
  }

  @Test
  @Soak
  void thousandUnsettleableJobs_neverStarveALostWebhook_orTheStrandedPass() throws Exception {
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<JobKey> stuck = new ArrayList<>();
    String[] tenants = {"nokey", "badkey", "acme"}; // no key, 401, 404 (unknown to the provider)
    for (int i = 0; i < 1000; i++) {
      JobKey key = new JobKey(tenants[i % 3], PROVIDER, String.format("stuck-%04d", i));
      stage.jobs().recordSubmitted(key, "m", "p", t0.plusMillis(i));
      stuck.add(key);
    }
    JobKey stranded = new JobKey("acme", PROVIDER, "stranded");
    stage
        .jobs()
        .put(
            TestJobs.job(stranded, JobStatus.COMPLETED, List.of(), t0.minus(Duration.ofHours(26))));
    Reconciler.ProviderClients clients = unsettleableClients();

    // runs every 10 minutes, the first once the stuck jobs are old enough
    Instant firstRun = t0.plus(Duration.ofMinutes(15)).plusSeconds(1);
    ReconcileReport first = runAt(firstRun, clients);
    assertEquals(1, first.strandedDownloads(), "the stranded pass has its own cap");
    assertEquals(JobStatus.DOWNLOAD_FAILED, job(stranded).status());
    assertEquals(200, first.examined());
    assertFalse(first.complete());

    // every stuck job looked at once: never-looked-at jobs take three quarters of each run
    for (int run = 1; run < 7; run++) {
      assertEquals(200, runAt(firstRun.plus(Duration.ofMinutes(10L * run)), clients).examined());
    }
    // a job whose webhook was lost, old enough from the eighth run on, while every stuck job
    // keeps failing and hundreds are due again at each run
    String lost = submitFinishedWithoutWebhook(firstRun.plus(Duration.ofMinutes(54)));
    JobKey lostKey = new JobKey("acme", PROVIDER, lost);
    int recoveredIn = 0;
    for (int run = 7; run < 9 && recoveredIn == 0; run++) {
      ReconcileReport report = runAt(firstRun.plus(Duration.ofMinutes(10L * run)), clients);
      assertEquals(200, report.examined());
      if (report.recovered() == 1) {
        recoveredIn = run - 6;
      }
    }
    assertTrue(recoveredIn > 0, "the lost webhook is recovered within two runs");
    assertEquals(JobStatus.COMPLETED, job(lostKey).status());
    stuck.forEach(k -> assertEquals(JobStatus.PENDING, job(k).status(), k.toString()));
  }

  @Test
  void everyOutcome_countsTowardTheDeadline_andEndsExpiredWithItsReason() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Instant overdue = now.minus(Duration.ofHours(25));
    Map<String, JobKey> byOutcome = new HashMap<>();
    byOutcome.put("no API key", new JobKey("nokey", PROVIDER, "no-key"));
    byOutcome.put("HTTP 401", new JobKey("badkey", PROVIDER, "revoked"));
    byOutcome.put("404", new JobKey("acme", PROVIDER, "unknown"));
    byOutcome.values().forEach(k -> stage.jobs().recordSubmitted(k, "m", "p", overdue));

    ReconcileReport report = runAt(now, unsettleableClients());

    assertEquals(3, report.expired());
    byOutcome.forEach(
        (reason, key) -> {
          Job job = job(key);
          assertEquals(JobStatus.EXPIRED, job.status(), key.toString());
          assertTrue(job.error().startsWith("expired by the reconciler"), job.error());
          assertTrue(job.error().contains(reason), job.error());
        });
  }

  @Test
  void throttledJobPastItsDeadline_isExpiredToo() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String id =
        submitFinishedWithoutWebhook(
            now.minus(Duration.ofHours(25)), Faults.none().withThrottledStatusCalls(1));

    ReconcileReport report = runAt(now, unsettleableClients());

    assertEquals(1, report.throttled());
    Job job = job(new JobKey("acme", PROVIDER, id));
    assertEquals(JobStatus.EXPIRED, job.status());
    assertTrue(job.error().contains("HTTP 429"), job.error());
  }

  @Test
  void jobThatFailedToSettle_isNotAskedAgainBeforeItsNextCheck() {
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    JobKey unknown = new JobKey("acme", PROVIDER, "unknown-to-the-provider");
    stage.jobs().recordSubmitted(unknown, "m", "p", t0);
    Reconciler.ProviderClients clients = unsettleableClients();

    assertEquals(1, runAt(t0.plus(Duration.ofMinutes(16)), clients).stillRunning());
    assertEquals(0, runAt(t0.plus(Duration.ofMinutes(20)), clients).examined(), "not due yet");
    assertEquals(1, runAt(t0.plus(Duration.ofMinutes(27)), clients).examined(), "due again");
    assertEquals(0, runAt(t0.plus(Duration.ofMinutes(30)), clients).examined());
    assertEquals(JobStatus.PENDING, job(unknown).status());
  }

  @Test
  void runWithErrors_orLeftIncomplete_saysSoInAMetric() {
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    stage.jobs().recordSubmitted(new JobKey("nokey", PROVIDER, "a"), "m", "p", t0);

    runAt(t0.plus(Duration.ofMinutes(16)), unsettleableClients());

    String line = metricLines.get(metricLines.size() - 1);
    assertTrue(line.contains("\"" + Metrics.RECONCILE_RUN_ERRORS + "\":1"), line);
    assertTrue(line.contains("\"" + Metrics.RECONCILE_RUN_INCOMPLETE + "\":0"), line);
  }

  @Test
  void rotatedApiKey_reachesAWarmReconciler() throws Exception {
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String id = submitFinishedWithoutWebhook(t0);
    Map<String, String> env = new HashMap<>(Map.of(PROVIDER.apiKeyEnv(), "sk-old-revoked"));
    // the environment's keys, read at each lookup: what a Secrets Manager entry is past its TTL
    TenantSecrets secrets =
        StubSecrets.apiKeys(
            (tenant, provider) ->
                TenantSecrets.fromEnvironment(Map.copyOf(env)).apiKey(tenant, provider));
    Reconciler.ProviderClients clients = Reconciler.clients(config(), secrets);

    assertEquals(1, runAt(t0.plus(Duration.ofMinutes(16)), clients).errors(), "401 on the old");
    env.put(PROVIDER.apiKeyEnv(), KEY); // rotated: the new key stored, the old one revoked
    ReconcileReport after = runAt(t0.plus(Duration.ofHours(1)), clients);

    assertEquals(1, after.recovered());
    assertEquals(JobStatus.COMPLETED, job(new JobKey("acme", PROVIDER, id)).status());
    ProviderSimulator.ReceivedRequest last =
        stage.simulator().apiRequests().get(stage.simulator().apiRequests().size() - 1);
    assertEquals("Bearer " + KEY, last.authorization());
  }
}
