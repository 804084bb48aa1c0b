package dev.videohook.secrets;

import dev.videohook.config.AwsClients;
import dev.videohook.config.Settings;
import dev.videohook.config.SharedConfig;
import dev.videohook.provider.Provider;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.regions.Region;

/** Where a tenant's signing secrets and provider API key for one provider are found. */
public interface TenantSecrets {
  /** Every environment variable {@link #fromEnvironment} reads. */
  Set<String> ENVIRONMENT = environment();

  /**
   * What a function that needs only provider API keys reads of {@link #ENVIRONMENT}: everything but
   * the webhook signing secrets, which it has no use for.
   */
  Set<String> API_KEY_ENVIRONMENT = apiKeyEnvironment();

  /** Only the {@link #API_KEY_ENVIRONMENT} of {@code env}: no signing secret reaches the caller. */
  static Map<String, String> apiKeySettings(Map<String, String> env) {
    Map<String, String> settings = new HashMap<>();
    for (String name : API_KEY_ENVIRONMENT) {
      String value = env.get(name);
      if (value != null) {
        settings.put(name, value);
      }
    }
    return settings;
  }

  /**
   * @return the accepted webhook signing secrets, current first (a second one while a secret is
   *     rotated); empty when none is configured
   */
  List<String> webhookSecrets(String tenant, Provider provider);

  /** The provider API key, sent only to that provider's API origin. */
  Optional<String> apiKey(String tenant, Provider provider);

  /**
   * Secrets Manager, one secret per tenant and provider, when {@code TENANT_SECRETS_PREFIX} is set
   * (as in AWS); otherwise the plain environment variables, the same for every tenant (the local
   * stack).
   *
   * @throws dev.videohook.config.ConfigurationException naming every invalid setting
   */
  static TenantSecrets fromEnvironment(Map<String, String> env) {
    Settings settings = new Settings(env);
    Optional<String> prefix = settings.optional(SecretsManagerTenantSecrets.TENANT_SECRETS_PREFIX);
    Duration ttl =
        settings.seconds(
            SecretsManagerTenantSecrets.TENANT_SECRETS_CACHE_SECONDS,
            SecretsManagerTenantSecrets.DEFAULT_CACHE_TTL);
    Region region = SharedConfig.region(settings);
    settings.check();
    if (prefix.isEmpty()) {
      return new EnvironmentTenantSecrets(env);
    }
    return new SecretsManagerTenantSecrets(
        AwsClients.secretsManager(region), prefix.get(), ttl, Clock.systemUTC());
  }

  private static Set<String> apiKeyEnvironment() {
    Set<String> names = new HashSet<>(environment());
    for (Provider provider : Provider.values()) {
      names.remove(provider.webhookSecretEnv());
      names.remove(provider.previousWebhookSecretEnv());
    }
    return Set.copyOf(names);
  }

  private static Set<String> environment() {
    Set<String> names = new HashSet<>(EnvironmentTenantSecrets.ENVIRONMENT);
    names.add(SecretsManagerTenantSecrets.TENANT_SECRETS_PREFIX);
    names.add(SecretsManagerTenantSecrets.TENANT_SECRETS_CACHE_SECONDS);
    names.add(SharedConfig.AWS_REGION);
    return Set.copyOf(names);
  }
}
