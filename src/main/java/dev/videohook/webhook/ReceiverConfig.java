package dev.videohook.webhook;

import dev.videohook.config.AwsClients;
import dev.videohook.config.Priming;
import dev.videohook.config.Settings;
import dev.videohook.job.JobStore;
import dev.videohook.secrets.SecretsManagerTenantSecrets;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.signature.SignatureVerifier;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.regions.Region;

/**
 * The receiver's settings, read once from the environment at init.
 *
 * @param tableName {@code JOBS_TABLE}
 * @param tolerance {@code WEBHOOK_TOLERANCE_SECONDS}, default 300
 * @param maxBodyBytes {@code WEBHOOK_MAX_BODY_BYTES}, default 65536
 * @param deliveryTtl {@code DELIVERY_TTL_DAYS}, default 30
 * @param region {@code AWS_REGION}, default us-east-1
 * @param dynamoDbEndpoint {@code DYNAMODB_ENDPOINT}, for the local stack
 */
public record ReceiverConfig(
    String tableName,
    Duration tolerance,
    int maxBodyBytes,
    Duration deliveryTtl,
    Region region,
    Optional<URI> dynamoDbEndpoint) {

  public static final String JOBS_TABLE = "JOBS_TABLE";
  public static final String WEBHOOK_TOLERANCE_SECONDS = "WEBHOOK_TOLERANCE_SECONDS";
  public static final String WEBHOOK_MAX_BODY_BYTES = "WEBHOOK_MAX_BODY_BYTES";
  public static final String DELIVERY_TTL_DAYS = "DELIVERY_TTL_DAYS";
  public static final String AWS_REGION = AwsClients.AWS_REGION;
  public static final String DYNAMODB_ENDPOINT = "DYNAMODB_ENDPOINT";

  /**
   * Every variable the receiver reads, those of its secrets source included ({@link
   * TenantSecrets#ENVIRONMENT}).
   */
  public static final Set<String> ENVIRONMENT =
      union(
          Set.of(
              JOBS_TABLE,
              WEBHOOK_TOLERANCE_SECONDS,
              WEBHOOK_MAX_BODY_BYTES,
              DELIVERY_TTL_DAYS,
              AWS_REGION,
              DYNAMODB_ENDPOINT),
          TenantSecrets.ENVIRONMENT);

  /** Every AWS action the receiver calls; template.yaml grants exactly these. */
  public static final Set<String> AWS_ACTIONS =
      union(JobStore.RECORD_ACTIONS, Priming.AWS_ACTIONS, SecretsManagerTenantSecrets.AWS_ACTIONS);

  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  private static final int LARGEST_MAX_BODY_BYTES = 6 * 1024 * 1024;

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
    String table = settings.required(JOBS_TABLE, "the DynamoDB table that records jobs");
    Duration tolerance =
        settings.seconds(WEBHOOK_TOLERANCE_SECONDS, SignatureVerifier.DEFAULT_TOLERANCE);
    long maxBody = settings.positiveLong(WEBHOOK_MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES);
    if (maxBody > LARGEST_MAX_BODY_BYTES) {
      settings.problem(
          WEBHOOK_MAX_BODY_BYTES
              + " must be at most "
              + LARGEST_MAX_BODY_BYTES
              + " (Lambda's payload limit)");
    }
    Duration ttl =
        Duration.ofDays(
            settings.positiveLong(DELIVERY_TTL_DAYS, JobStore.DEFAULT_DELIVERY_TTL.toDays()));
    Region region = Region.of(settings.optional(AWS_REGION).orElse("us-east-1"));
    Optional<URI> endpoint = settings.uri(DYNAMODB_ENDPOINT);
    settings.check();
    return new ReceiverConfig(table, tolerance, (int) maxBody, ttl, region, endpoint);
  }
}
