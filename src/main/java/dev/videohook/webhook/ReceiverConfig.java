package dev.videohook.webhook;

import dev.videohook.config.Settings;
import dev.videohook.config.SharedConfig;
import dev.videohook.job.JobStore;
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
  public static final String DELIVERY_TTL_DAYS = "DELIVERY_TTL_DAYS";

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
          JobStore.RECORD_ACTIONS,
          JobStore.PRIMING_ACTIONS,
          SecretsManagerTenantSecrets.AWS_ACTIONS);

  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  /**
   * The largest body cap: the delivery record keeps the raw body in one DynamoDB item, which holds
   * at most 400 KB (409,600 bytes) with its other attributes; 400,000 leaves them room.
   */
  public static final int LARGEST_MAX_BODY_BYTES = 400_000;

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
              + " (the delivery record keeps the raw body in one DynamoDB item, at most 400 KB),"
              + " got "
              + maxBody);
    }
    Duration ttl =
        Duration.ofDays(
            settings.positiveLong(DELIVERY_TTL_DAYS, JobStore.DEFAULT_DELIVERY_TTL.toDays()));
    settings.check();
    return new ReceiverConfig(shared, tolerance, (int) maxBody, ttl);
  }
}
