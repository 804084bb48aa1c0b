package dev.videohook.reconcile;

import dev.videohook.config.LocalMode;
import dev.videohook.config.Settings;
import dev.videohook.config.SharedConfig;
import dev.videohook.job.JobStore;
import dev.videohook.provider.ApiBases;
import dev.videohook.provider.Provider;
import dev.videohook.secrets.TenantSecrets;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reconciler's settings, read once from the environment.
 *
 * @param shared the jobs table, region and local endpoints every function shares
 * @param interval {@code RECONCILE_INTERVAL_SECONDS} (default 600): how often a run starts (serve
 *     mode's timer; in AWS the EventBridge schedule, from the same template parameter); a run never
 *     works longer than one interval, so two runs do not overlap
 * @param minAge {@code RECONCILE_MIN_AGE_SECONDS} (default 900): a pending job younger than this is
 *     left to its webhook
 * @param deadline {@code RECONCILE_DEADLINE_SECONDS} (default 86400): a job the provider has not
 *     finished this long after submit is marked {@code expired} locally
 * @param maxJobsPerRun {@code RECONCILE_MAX_JOBS_PER_RUN} (default 200): the most jobs one run asks
 *     the provider about
 * @param apiBases {@code OPENROUTER_API_BASE} / {@code MODELGATES_API_BASE}
 * @param allowLoopbackHttp {@code DOWNLOAD_ALLOW_LOOPBACK_HTTP}, the local stack's one switch (see
 *     {@link LocalMode}): a plain-http API base on a loopback host (the simulator); default false
 * @param strandedAfter {@code RECONCILE_STRANDED_DOWNLOAD_SECONDS} (default 25 h): a job still
 *     {@code completed} this long after its last change can no longer be downloaded by the stream
 *     (DynamoDB Streams keep a record 24 hours; retries spent, a record too old, or a function that
 *     failed to start end the same way), so it is marked {@code download_failed} with the reason
 * @param deliveryTtl {@code DELIVERY_TTL_DAYS} (the receiver's setting, default 30): how long the
 *     delivery record the reconciler writes is kept, as for a webhook's
 */
public record ReconcileConfig(
    SharedConfig shared,
    Duration interval,
    Duration minAge,
    Duration deadline,
    int maxJobsPerRun,
    Map<Provider, URI> apiBases,
    boolean allowLoopbackHttp,
    Duration deliveryTtl,
    Duration strandedAfter) {

  public static final String RECONCILE_INTERVAL_SECONDS = "RECONCILE_INTERVAL_SECONDS";
  public static final String RECONCILE_MIN_AGE_SECONDS = "RECONCILE_MIN_AGE_SECONDS";
  public static final String RECONCILE_DEADLINE_SECONDS = "RECONCILE_DEADLINE_SECONDS";
  public static final String RECONCILE_MAX_JOBS_PER_RUN = "RECONCILE_MAX_JOBS_PER_RUN";
  public static final String DELIVERY_TTL_DAYS = JobStore.DELIVERY_TTL_DAYS;
  public static final String RECONCILE_STRANDED_DOWNLOAD_SECONDS =
      "RECONCILE_STRANDED_DOWNLOAD_SECONDS";

  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);
  public static final Duration DEFAULT_MIN_AGE = Duration.ofMinutes(15);
  public static final Duration DEFAULT_DEADLINE = Duration.ofHours(24);
  public static final int DEFAULT_MAX_JOBS_PER_RUN = 200;

  /** A day of stream retention and an hour for the last retries. */
  public static final Duration DEFAULT_STRANDED_AFTER = Duration.ofHours(25);

  private static final int MAX_JOBS_LIMIT = 10_000;

  /** What the secrets source may read here: no webhook signing secret reaches this function. */
  public static final Set<String> SECRETS_VARIABLES = TenantSecrets.API_KEY_ENVIRONMENT;

  /** Every variable the reconciler reads, its secrets source included. */
  public static final Set<String> ENVIRONMENT = environment();

  public ReconcileConfig {
    apiBases = ApiBases.copyOf(apiBases);
  }

  public URI apiBase(Provider provider) {
    return apiBases.get(provider);
  }

  /**
   * @throws dev.videohook.config.ConfigurationException naming every missing or invalid setting
   */
  public static ReconcileConfig fromEnvironment(Map<String, String> env) {
    Settings settings = new Settings(env);
    SharedConfig shared = SharedConfig.read(settings);
    Duration interval = settings.seconds(RECONCILE_INTERVAL_SECONDS, DEFAULT_INTERVAL);
    Duration minAge = settings.seconds(RECONCILE_MIN_AGE_SECONDS, DEFAULT_MIN_AGE);
    Duration deadline = settings.seconds(RECONCILE_DEADLINE_SECONDS, DEFAULT_DEADLINE);
    if (deadline.compareTo(minAge) <= 0) {
      settings.problem(
          RECONCILE_DEADLINE_SECONDS
              + " ("
              + deadline.toSeconds()
              + ") must be longer than "
              + RECONCILE_MIN_AGE_SECONDS
              + " ("
              + minAge.toSeconds()
              + "): a job is looked at before it is given up on");
    }
    long maxJobs = settings.positiveLong(RECONCILE_MAX_JOBS_PER_RUN, DEFAULT_MAX_JOBS_PER_RUN);
    if (maxJobs > MAX_JOBS_LIMIT) {
      settings.problem(
          RECONCILE_MAX_JOBS_PER_RUN + " must be at most " + MAX_JOBS_LIMIT + ", got " + maxJobs);
    }
    boolean allowLoopbackHttp = LocalMode.loopbackHttp(settings);
    Map<Provider, URI> apiBases =
        ApiBases.read(settings, allowLoopbackHttp, LocalMode.LOOPBACK_HTTP);
    Duration ttl = JobStore.deliveryTtl(settings);
    Duration strandedAfter =
        settings.seconds(RECONCILE_STRANDED_DOWNLOAD_SECONDS, DEFAULT_STRANDED_AFTER);
    settings.check();
    return new ReconcileConfig(
        shared,
        interval,
        minAge,
        deadline,
        (int) maxJobs,
        apiBases,
        allowLoopbackHttp,
        ttl,
        strandedAfter);
  }

  /** Only the {@link #SECRETS_VARIABLES} of {@code env}. */
  public static Map<String, String> secretsSettings(Map<String, String> env) {
    return TenantSecrets.apiKeySettings(env);
  }

  private static Set<String> environment() {
    Set<String> names =
        new LinkedHashSet<>(
            List.of(
                RECONCILE_INTERVAL_SECONDS,
                RECONCILE_MIN_AGE_SECONDS,
                RECONCILE_DEADLINE_SECONDS,
                RECONCILE_MAX_JOBS_PER_RUN,
                LocalMode.LOOPBACK_HTTP,
                SharedConfig.AWS_LAMBDA_FUNCTION_NAME,
                LocalMode.AWS_SAM_LOCAL,
                RECONCILE_STRANDED_DOWNLOAD_SECONDS,
                DELIVERY_TTL_DAYS));
    names.addAll(SharedConfig.ENVIRONMENT);
    names.remove(SharedConfig.S3_ENDPOINT);
    for (Provider provider : Provider.values()) {
      names.add(provider.apiBaseEnv());
    }
    names.addAll(SECRETS_VARIABLES);
    return Collections.unmodifiableSet(names);
  }
}
