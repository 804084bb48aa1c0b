package dev.videohook.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderClient;
import dev.videohook.retry.Sleeper;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.simulator.Faults;
import dev.videohook.testing.VideoHost;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A run never outlives its budget, whatever a provider or a stored item does: a status answer
 * trickled byte by byte is cut off at the run's deadline and deferred as a timeout, and an item the
 * store cannot read is skipped, not the end of the run. Deadlines are real and short.
 */
class ReconcilerDeadlineTest {
  private static final String KEY = "sk-reconcile-deadline";
  private static final Provider PROVIDER = ReconcileStage.PROVIDER;

  /** The tenant whose provider API is the trickling host. */
  private static final String STALLED_TENANT = "slowpoke";

  /** The run's budget: short, real. */
  private static final Duration BUDGET = Duration.ofMillis(1500);

  /** Far more than any test waits: a run still going then is a run that never ends. */
  private static final Duration HUNG = Duration.ofSeconds(10);

  @RegisterExtension static final ReconcileStage stage = new ReconcileStage(KEY);

  private final VideoHost stalledApi = new VideoHost();

  /** Jobs look an hour old to the reconciler. */
  private final Clock clock = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));

  @AfterEach
  void close() {
    stalledApi.close();
  }

  private Reconciler reconciler() {
    return reconciler(d -> {});
  }

  private Reconciler reconciler(Sleeper sleeper) {
    Reconciler.ProviderClients real =
        Reconciler.clients(
            stage.config(200), TenantSecrets.fromEnvironment(Map.of(PROVIDER.apiKeyEnv(), KEY)));
    Reconciler.ProviderClients clients =
        (tenant, provider) ->
            tenant.equals(STALLED_TENANT)
                ? Optional.of(new ProviderClient(provider, stalledApi.url("/api/v1"), KEY))
                : real.forTenant(tenant, provider);
    return new Reconciler(stage.jobs(), clients, clock, sleeper, stage.config(200));
  }

  /** A job whose webhook was lost, finished at the simulator: what a run should recover. */
  private JobKey lostWebhook(Instant submittedAt) throws Exception {
    stage
        .simulator()
        .setFaults(Faults.none().withWebhookNeverSent().withCompletionDelay(Duration.ofMillis(1)));
    String id = stage.submitWithDeadCallback();
    assertTrue(stage.simulator().awaitDelivered(id, Duration.ofSeconds(10)));
    JobKey key = new JobKey("acme", PROVIDER, id);
    stage.jobs().recordSubmitted(key, "google/veo-3.1-lite", "a lamp", submittedAt);
    return key;
  }

  private Job job(JobKey key) {
    return stage.jobs().find(key).orElseThrow();
  }

  @Test
  void statusAnswerTrickledAfterItsHeaders_isCutOffAtItsShareOfTheRun_andTheNextJobIsReached()
      throws Exception {
    // the oldest job never looked at, so it goes first; its answer's headers come at once, then
    // one byte of the body every 100 ms: about 30 s for the whole answer
    JobKey stalled = new JobKey(STALLED_TENANT, PROVIDER, "stalled-1");
    stage.jobs().recordSubmitted(stalled, "m", "p", Instant.now().minusSeconds(60));
    byte[] answer =
        ("{\"id\":\"stalled-1\",\"status\":\"completed\"," + " ".repeat(300) + "}")
            .getBytes(StandardCharsets.UTF_8);
    stalledApi.on(
        "/api/v1/videos/stalled-1",
        VideoHost.trickled(answer, "application/json", Duration.ofMillis(100)));
    JobKey lost = lostWebhook(Instant.now());

    ReconcileReport first =
        assertTimeoutPreemptively(HUNG, () -> reconciler().run(clock.instant().plus(BUDGET)));

    // the stalled call had a quarter of the run: the lost webhook behind it is recovered in it
    Job deferred = job(stalled);
    assertEquals(JobStatus.PENDING, deferred.status());
    assertTrue(
        deferred.reconcile().lastOutcome().contains("timeout"), deferred.reconcile().lastOutcome());
    assertTrue(deferred.reconcile().nextCheck().isAfter(clock.instant()), "looked at again later");
    assertEquals(1, first.recovered());
    assertEquals(JobStatus.COMPLETED, job(lost).status());

    // the next run does not ask about it again before its next check
    assertTimeoutPreemptively(HUNG, () -> reconciler().run(clock.instant().plus(BUDGET)));

    assertEquals(1, stalledApi.received("/api/v1/videos/stalled-1").size(), "asked once");
  }

  @Test
  void timedOutStatusCall_isNotWaitedForAgainBeforeTheNextJob() throws Exception {
    JobKey stalled = new JobKey(STALLED_TENANT, PROVIDER, "stalled-2");
    stage.jobs().recordSubmitted(stalled, "m", "p", Instant.now().minusSeconds(60));
    stalledApi.on(
        "/api/v1/videos/stalled-2",
        VideoHost.trickled(
            ("{\"id\":\"stalled-2\"," + " ".repeat(300) + "}").getBytes(StandardCharsets.UTF_8),
            "application/json",
            Duration.ofMillis(100)));
    List<Duration> waits = new CopyOnWriteArrayList<>();

    ReconcileReport report =
        assertTimeoutPreemptively(
            HUNG, () -> reconciler(waits::add).run(clock.instant().plus(BUDGET)));

    assertEquals(1, report.throttled(), "the timeout is counted");
    assertEquals(List.of(), waits, "the call already spent its wait");
  }

  @Test
  void pendingItemWithACorruptTimestamp_isSkipped_andTheRunGoesOn() throws Exception {
    JobKey corrupt = new JobKey("acme", PROVIDER, "corrupt-1");
    stage.jobs().recordSubmitted(corrupt, "m", "p", Instant.now().minusSeconds(60));
    stage.jobs().corruptSubmittedAt(corrupt, "yesterday");
    JobKey lost = lostWebhook(Instant.now());

    ReconcileReport report =
        assertTimeoutPreemptively(HUNG, () -> reconciler().run(clock.instant().plus(BUDGET)));

    assertEquals(1, report.recovered());
    assertEquals(JobStatus.COMPLETED, job(lost).status());
  }
}
