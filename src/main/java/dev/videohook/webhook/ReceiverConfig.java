package dev.videohook.webhook;

import dev.videohook.config.Settings;
import dev.videohook.config.SharedConfig;
import dev.videohook.job.JobStore;
import dev.videohook.job.JobTableActions;
import dev.videohook.secrets.SecretsManagerTenantSecrets;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.signature.SignatureVerifier;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The receiver's settings, read once from the environment at init.
 *
 * @param shared the jobs table, region and local endpoints every function shares
 * @param tolerance {@code WEBHOOK_TOLERANCE_SECONDS}, default 300
 * @param maxBodyBytes {@code WEBHOOK_MAX_BODY_BYTES}, default 65536
 * @param deliveryTtl {@code DELIVERY_TTL_DAYS}, default 30
 */
public record ReceiverConfig(
    SharedConfig shared, Duration tolerance, int maxBodyBytes, Duration deliveryTtl) {

  public static final String WEBHOOK_TOLERANCE_SECONDS = "WEBHOOK_TOLERANCE_SECONDS";
  public static final String WEBHOOK_MAX_BODY_BYTES = "WEBHOOK_MAX_BODY_BYTES";
  public static final String DELIVERY_TTL_DAYS = JobStore.DELIVERY_TTL_DAYS;

  /**
   * Every variable the receiver reads, those of its secrets source included ({@link
   * TenantSecrets#ENVIRONMENT}). The receiver never talks to S3.
   */
  public static final Set<String> ENVIRONMENT =
      union(
          Set.of(
              SharedConfig.JOBS_TABLE,
              SharedConfig.AWS_REGION,
              SharedConfig.DYNAMODB_ENDPOINT,
              WEBHOOK_TOLERANCE_SECONDS,
              WEBHOOK_MAX_BODY_BYTES,
              DELIVERY_TTL_DAYS),
          TenantSecrets.ENVIRONMENT);

  /** Every AWS action the receiver calls; template.yaml grants exactly these. */
  public static final Set<String> AWS_ACTIONS =
      union(
          JobTableActions.RECORD, JobTableActions.PRIMING, SecretsManagerTenantSecrets.AWS_ACTIONS);

  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  /**
   * The largest body cap that still fits one item: the job item keeps the raw body beside the
   * fields parsed from it (each bounded by VideoEvent: 16 URLs of 2 KiB, text of 1-4 KiB), the
   * prompt from submit and, once stored, the object keys and hashes. 256 KiB of body plus at most
   * ~45 KiB of parsed fields and ~10 KiB stored leaves room under DynamoDB's 400 KB item limit.
   */
  public static final int LARGEST_MAX_BODY_BYTES = 256 * 1024;

  public String tableName() {
    return shared.tableName();
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    Set<String> all = new HashSet<>();
    for (Set<String> set : sets) {
      all.addAll(set);
    }
    return Set.copyOf(all);
  }

  /**
   * @throws dev.videohook.config.ConfigurationException naming every missing or invalid setting
   */
  public static ReceiverConfig fromEnvironment(Map<String, String> env) {
    Settings settings = new Settings(env);
    SharedConfig shared = SharedConfig.read(settings);
    Duration tolerance =
        settings.seconds(WEBHOOK_TOLERANCE_SECONDS, SignatureVerifier.DEFAULT_TOLERANCE);
    long maxBody = settings.positiveLong(WEBHOOK_MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES);
    if (maxBody > LARGEST_MAX_BODY_BYTES) {
      settings.problem(
          WEBHOOK_MAX_BODY_BYTES
              + " must be at most "
              + LARGEST_MAX_BODY_BYTES
              + " (what one DynamoDB item holds beside the job's fields), got "
              + maxBody);
    }
    Duration ttl = JobStore.deliveryTtl(settings);
    settings.check();
    return new ReceiverConfig(shared, tolerance, (int) maxBody, ttl);
  }
}
