package dev.videohook.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.config.SharedConfig;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.local.MotoServer;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderClient;
import dev.videohook.provider.SubmitRequest;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.ProviderSimulator;
import dev.videohook.testing.SharedMoto;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's provider clients, as {@link Reconciler#clients} builds them in production,
 * honour {@code Retry-After}: a status call throttled with a short hint is tried again after it and
 * the lost webhook is still recovered in the same run, with no backoff of the reconciler's own.
 */
class ReconcilerRetryAfterTest {
  private static final String KEY = "sk-reconcile-retry-after";
  private static final Provider PROVIDER = Provider.OPENROUTER;

  @Test
  void throttledStatusCall_withRetryAfter_isTriedAgain_andTheJobRecovered() throws Exception {
    String table = SharedMoto.newJobTable();
    JobStore jobs = new JobStore(SharedMoto.get().client(), table);
    List<Duration> reconcilerSleeps = new CopyOnWriteArrayList<>();
    try (ProviderSimulator simulator =
        ProviderSimulator.start(
            PROVIDER,
            KEY,
            "whsec",
            Faults.none().withWebhookNeverSent().withCompletionDelay(Duration.ofMillis(1)))) {
      String id =
          new ProviderClient(PROVIDER, simulator.apiBase(), KEY)
              .submit(
                  new SubmitRequest(
                      "google/veo-3.1-lite",
                      "a lamp",
                      4,
                      "720p",
                      "16:9",
                      false,
                      URI.create("https://127.0.0.1:9/acme/openrouter/x"),
                      Map.of()))
              .id();
      JobKey key = new JobKey("acme", PROVIDER, id);
      jobs.recordSubmitted(key, "google/veo-3.1-lite", "a lamp", Instant.now());
      assertTrue(simulator.awaitDelivered(id, Duration.ofSeconds(10)));
      ReconcileConfig config =
          new ReconcileConfig(
              new SharedConfig(
                  table,
                  MotoServer.REGION,
                  Optional.of(SharedMoto.get().endpoint()),
                  Optional.empty()),
              Duration.ofMinutes(10),
              Duration.ofMinutes(15),
              Duration.ofHours(24),
              10,
              Map.of(PROVIDER, simulator.apiBase(), Provider.MODELGATES, simulator.apiBase()),
              true,
              JobStore.DEFAULT_DELIVERY_TTL,
              ReconcileConfig.DEFAULT_STRANDED_AFTER);
      Reconciler reconciler =
          new Reconciler(
              jobs,
              Reconciler.clients(
                  config, TenantSecrets.fromEnvironment(Map.of(PROVIDER.apiKeyEnv(), KEY))),
              Clock.offset(Clock.systemUTC(), Duration.ofHours(1)),
              reconcilerSleeps::add,
              config);
      simulator.throttleNext(1, 429, "1");

      ReconcileReport report = reconciler.run(Instant.now().plus(Duration.ofDays(2)));

      assertEquals(1, report.recovered(), report.toMap().toString());
      assertEquals(0, report.throttled());
      assertEquals(List.of(), reconcilerSleeps, "no backoff of the reconciler's own");
      assertEquals(
          2, simulator.apiRequests().stream().filter(r -> r.path().endsWith("/" + id)).count());
      assertEquals(JobStatus.COMPLETED, jobs.find(key).orElseThrow().status());
    }
  }
}
