package dev.videohook.reconcile;

import dev.videohook.config.SharedConfig;
import dev.videohook.job.InMemoryJobStore;
import dev.videohook.job.JobStore;
import dev.videohook.local.MotoServer;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderClient;
import dev.videohook.provider.SubmitRequest;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.ProviderSimulator;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the reconciler suites run against: the simulated provider, a fresh in-memory job store for
 * each test (the reconciler's logic needs a store, not DynamoDB: {@code JobStoreContract} holds the
 * two to the same behaviour), the configuration that points at the provider, and jobs submitted
 * with a callback URL whose webhooks are lost.
 */
final class ReconcileStage implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  static final Provider PROVIDER = Provider.OPENROUTER;

  /** Nothing listens here: a callback URL whose deliveries are lost. */
  static final URI DEAD_CALLBACK = URI.create("https://127.0.0.1:9/acme/openrouter/x");

  private final String apiKey;
  private ProviderSimulator simulator;
  private InMemoryJobStore jobs;

  /** A stage whose simulator accepts {@code apiKey}. */
  ReconcileStage(String apiKey) {
    this.apiKey = apiKey;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    simulator = ProviderSimulator.start(PROVIDER, apiKey, "whsec", Faults.none());
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    jobs = new InMemoryJobStore();
    simulator.setFaults(Faults.none());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    simulator.close();
  }

  ProviderSimulator simulator() {
    return simulator;
  }

  InMemoryJobStore jobs() {
    return jobs;
  }

  /**
   * The reconciler's settings, its defaults but for {@code maxJobs}, against this stage's provider
   * (the reconcilers the suites build take the store itself, so no table is named).
   */
  ReconcileConfig config(int maxJobs) {
    return new ReconcileConfig(
        new SharedConfig("in-memory", MotoServer.REGION, Optional.empty(), Optional.empty()),
        ReconcileConfig.DEFAULT_INTERVAL,
        ReconcileConfig.DEFAULT_MIN_AGE,
        ReconcileConfig.DEFAULT_DEADLINE,
        maxJobs,
        Map.of(PROVIDER, simulator.apiBase(), Provider.MODELGATES, simulator.apiBase()),
        true,
        JobStore.DEFAULT_DELIVERY_TTL,
        ReconcileConfig.DEFAULT_STRANDED_AFTER);
  }

  /** Submits a job to the simulator with {@link #DEAD_CALLBACK}; its id. */
  String submitWithDeadCallback() throws Exception {
    return new ProviderClient(PROVIDER, simulator.apiBase(), apiKey)
        .submit(
            new SubmitRequest(
                "google/veo-3.1-lite", "a lamp", 4, "720p", "16:9", false, DEAD_CALLBACK, Map.of()))
        .id();
  }
}
