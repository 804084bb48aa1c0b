package dev.videohook.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.provider.Provider;
import dev.videohook.retry.Sleeper;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.ProviderSimulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reconciler's provider clients, as {@link Reconciler#clients} builds them in production,
 * honour {@code Retry-After}: a status call throttled with a short hint is tried again after it and
 * the lost webhook is still recovered in the same run, with no backoff of the reconciler's own.
 */
class ReconcilerRetryAfterTest {
  private static final String KEY = "sk-reconcile-retry-after";
  private static final Provider PROVIDER = ReconcileStage.PROVIDER;

  @RegisterExtension static final ReconcileStage stage = new ReconcileStage(KEY);

  /**
   * A reconciler with the production provider clients, an hour ahead (so the jobs are old enough),
   * whose own pauses go to {@code sleeper}.
   */
  private static Reconciler reconciler(Sleeper sleeper) {
    ReconcileConfig config = stage.config(10);
    return new Reconciler(
        stage.jobs(),
        Reconciler.clients(
            config, TenantSecrets.fromEnvironment(Map.of(PROVIDER.apiKeyEnv(), KEY))),
        Clock.offset(Clock.systemUTC(), Duration.ofHours(1)),
        sleeper,
        config);
  }

  @Test
  void throttledStatusCall_withRetryAfter_isTriedAgain_andTheJobRecovered() throws Exception {
    List<Duration> reconcilerSleeps = new CopyOnWriteArrayList<>();
    ProviderSimulator simulator = stage.simulator();
    simulator.setFaults(
        Faults.none().withWebhookNeverSent().withCompletionDelay(Duration.ofMillis(1)));
    String id = stage.submitWithDeadCallback();
    JobKey key = new JobKey("acme", PROVIDER, id);
    stage.jobs().recordSubmitted(key, "google/veo-3.1-lite", "a lamp", Instant.now());
    assertTrue(simulator.awaitDelivered(id, Duration.ofSeconds(10)));
    Reconciler reconciler = reconciler(reconcilerSleeps::add);
    simulator.throttleNext(1, 429, "1");

    ReconcileReport report = reconciler.run(Instant.now().plus(Duration.ofDays(2)));

    assertEquals(1, report.recovered(), report.toMap().toString());
    assertEquals(0, report.throttled());
    assertEquals(List.of(), reconcilerSleeps, "no backoff of the reconciler's own");
    assertEquals(
        2, simulator.apiRequests().stream().filter(r -> r.path().endsWith("/" + id)).count());
    assertEquals(JobStatus.COMPLETED, stage.jobs().find(key).orElseThrow().status());
  }

  @Test
  void aWaitLongerThanTheRunWouldTake_leavesTheProviderAloneForTheRun_insteadOfAskingEarly()
      throws Exception {
    List<Duration> reconcilerSleeps = new CopyOnWriteArrayList<>();
    ProviderSimulator simulator = stage.simulator();
    simulator.setFaults(
        Faults.none().withWebhookNeverSent().withCompletionDelay(Duration.ofMillis(1)));
    List<String> ids = List.of(stage.submitWithDeadCallback(), stage.submitWithDeadCallback());
    for (String id : ids) {
      stage
          .jobs()
          .recordSubmitted(
              new JobKey("acme", PROVIDER, id), "google/veo-3.1-lite", "a lamp", Instant.now());
      assertTrue(simulator.awaitDelivered(id, Duration.ofSeconds(10)));
    }
    Reconciler reconciler = reconciler(reconcilerSleeps::add);
    int before = simulator.apiRequests().size();
    // no Retry-After: the limit resets in 10 minutes, longer than any back-off of a run
    simulator.throttleNext(10, 429, null, Duration.ofMinutes(10));

    ReconcileReport report = reconciler.run(Instant.now().plus(Duration.ofDays(2)));

    assertEquals(1, report.throttled(), report.toMap().toString());
    assertEquals(1, simulator.apiRequests().size() - before, "the second job was not asked about");
    assertEquals(List.of(), reconcilerSleeps, "no early retry after a short back-off of its own");
    simulator.throttleNext(0, 429, null);
  }
}
