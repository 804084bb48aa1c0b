package dev.videohook.reconcile;

import dev.videohook.config.AwsClients;
import dev.videohook.job.JobRepository;
import dev.videohook.job.JobStore;
import dev.videohook.metrics.Metrics;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderClient;
import dev.videohook.retry.Sleeper;
import dev.videohook.secrets.TenantSecrets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Settles what the stream and the webhooks left: one run is two passes, each with its own cap.
 *
 * <ul>
 *   <li>{@link StrandedDownloadPass}: jobs still {@code completed} past the stream's reach are
 *       marked {@code download_failed} with the reason, for a redrive (no provider call);
 *   <li>{@link LostWebhookPass}: jobs still {@code pending} past a minimum age are looked up at the
 *       provider ({@code GET /videos/{id}}); a terminal answer is committed exactly as its webhook
 *       would have been ({@link dev.videohook.job.JobCommits#recordDelivery}, same dedupe key), so
 *       the stream downloads it and a webhook arriving later is a duplicate. Every other outcome
 *       counts toward the job's deadline: it gets a next check, later and later ({@link
 *       CheckSchedule}), and past its deadline it is marked {@code expired} with the outcome as its
 *       reason.
 * </ul>
 *
 * <p>Work is bounded: at most {@link ReconcileConfig#maxJobsPerRun} jobs per pass and never past
 * the run's deadline. A provider answering 429 or 5xx is backed off (exponentially, within the
 * budget) and, after {@value RunCounters#MAX_CONSECUTIVE_THROTTLES} such answers in a row, left
 * alone until the next run. One job's failure never stops the run. A run that ends with errors or
 * incomplete says so in a metric ({@link Metrics#reconcileRun}), which an alarm watches.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  /**
   * The log line (its message) that means a webhook was lost; {@link Metrics#reconciled} counts it.
   */
  public static final String LOST_WEBHOOK_MESSAGE =
      "reconciler recorded a job whose webhook was lost";

  static final int MAX_CONSECUTIVE_THROTTLES = RunCounters.MAX_CONSECUTIVE_THROTTLES;
  private static final int QUERY_PAGE = 100;

  /** Builds the provider client for one tenant and provider, its API key included. */
  @FunctionalInterface
  public interface ProviderClients {
    /**
     * @return empty when the tenant has no API key for the provider
     */
    Optional<ProviderClient> forTenant(String tenant, Provider provider);
  }

  private final Clock clock;
  private final Sleeper sleeper;
  private final StrandedDownloadPass stranded;
  private final LostWebhookPass pending;
  private final OutputExpiryPass outputs;
  private final Metrics metrics;

  /**
   * Everything from the environment (the AWS clients once): what the Lambda does at init, and what
   * the command line and the local stack do with their own settings.
   *
   * @throws dev.videohook.config.ConfigurationException naming every missing or invalid setting
   */
  public static Reconciler fromEnvironment(Map<String, String> env) {
    return fromConfig(ReconcileConfig.fromEnvironment(env), env);
  }

  static Reconciler fromConfig(ReconcileConfig config, Map<String, String> env) {
    TenantSecrets secrets = TenantSecrets.fromEnvironment(ReconcileConfig.secretsSettings(env));
    JobStore jobs =
        new JobStore(
            AwsClients.dynamoDb(config.shared()),
            config.shared().tableName(),
            config.deliveryTtl());
    return new Reconciler(
        jobs, clients(config, secrets), Clock.systemUTC(), Sleeper.SYSTEM, config);
  }

  public Reconciler(
      JobRepository jobs,
      ProviderClients clients,
      Clock clock,
      Sleeper sleeper,
      ReconcileConfig config) {
    this(jobs, clients, clock, sleeper, config, Metrics.toLog());
  }

  Reconciler(
      JobRepository jobs,
      ProviderClients clients,
      Clock clock,
      Sleeper sleeper,
      ReconcileConfig config,
      Metrics metrics) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.metrics = metrics;
    this.stranded =
        new StrandedDownloadPass(
            jobs, clock, config.strandedAfter(), config.maxJobsPerRun(), QUERY_PAGE);
    this.pending = new LostWebhookPass(jobs, jobs, clients, clock, config, QUERY_PAGE, metrics);
    this.outputs = new OutputExpiryPass(jobs, clock, metrics, config.maxJobsPerRun(), QUERY_PAGE);
  }

  /**
   * Provider clients on the configured API bases with each tenant's key. The key is asked of {@code
   * secrets} at every lookup (Secrets Manager's answers are cached for {@code
   * TENANT_SECRETS_CACHE_SECONDS}), and a client is rebuilt when it changed: a rotated key reaches
   * a warm reconciler within that time.
   */
  public static ProviderClients clients(ReconcileConfig config, TenantSecrets secrets) {
    Map<String, KeyedClient> built = new ConcurrentHashMap<>();
    return (tenant, provider) ->
        secrets
            .apiKey(tenant, provider)
            .map(
                key ->
                    built
                        .compute(
                            tenant + "/" + provider.id(),
                            (k, old) ->
                                old != null && old.key().equals(key)
                                    ? old
                                    : new KeyedClient(
                                        key,
                                        new ProviderClient(
                                            provider, config.apiBase(provider), key)))
                        .client());
  }

  /** A client and the key it was built with, to notice a rotation. */
  private record KeyedClient(String key, ProviderClient client) {
    @Override
    public String toString() {
      return "KeyedClient[" + client + "]"; // never the key
    }
  }

  /**
   * One run: the stranded downloads, then the pending jobs due for a look, each pass within its own
   * cap and both within the time left.
   *
   * @param stopBy the run starts no provider call after this instant, and every call it makes ends
   *     by it, headers and body (a call that runs out defers its job as a timeout)
   */
  public ReconcileReport run(Instant stopBy) {
    RunCounters run = new RunCounters(clock, sleeper, stopBy);
    // first, as it makes no provider call: a slow or failing provider cannot hold it up
    boolean strandedDone = stranded.run(run);
    // also without a provider call, before the provider's pass: a video about to be lost first
    boolean outputsDone = outputs.run(run);
    boolean pendingDone = pending.run(run);
    ReconcileReport report = run.report(strandedDone && outputsDone && pendingDone);
    boolean troubled = report.errors() > 0 || !report.complete();
    LoggingEventBuilder line = report.recovered() > 0 || troubled ? LOG.atWarn() : LOG.atInfo();
    report.toMap().forEach(line::addKeyValue);
    line.log("reconcile run finished");
    metrics.reconcileRun(report.errors(), report.complete());
    return report;
  }
}
