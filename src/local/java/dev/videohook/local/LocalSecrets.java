package dev.videohook.local;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.config.ConfigurationException;
import dev.videohook.provider.Provider;
import dev.videohook.provider.Tenants;
import dev.videohook.secrets.EnvironmentTenantSecrets;
import dev.videohook.secrets.SecretsManagerTenantSecrets;
import dev.videohook.secrets.TenantSecrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The local stack's tenant secrets, created in moto's Secrets Manager at start under the names and
 * JSON shape template.yaml gives them ({@code {prefix}/{tenant}/{provider}/webhook} holding {@code
 * {"webhook_secret":…,"webhook_secret_previous":…}}, {@code …/api-key} holding {@code
 * {"api_key":…}}), and read back by {@link SecretsManagerTenantSecrets}, as every function reads
 * them in AWS. The values come from the environment ({@code OPENROUTER_WEBHOOK_SECRET} and its
 * {@code _PREVIOUS}, the same for ModelGates; {@code dev_secret} by default), the API key is the
 * simulated providers' own.
 */
public final class LocalSecrets {
  /** template.yaml's default {@code TenantSecretsPrefix}. */
  public static final String PREFIX = "videohook";

  /** The tenants (API stages) whose secrets the local stack creates, comma-separated. */
  public static final String TENANTS_ENV = Tenants.SERVED_ENV;

  /** The template's default tenant and the README's example one. */
  public static final List<String> DEFAULT_TENANTS = List.of("acme", "demo");

  /**
   * Whose secrets the {@code $default} stage reads. AWS throttles that stage to zero (no tenant's),
   * and a secret's name cannot hold {@code $}; locally it answers, as a tenant of this name.
   */
  public static final String DEFAULT_STAGE_TENANT = "default";

  private LocalSecrets() {}

  /**
   * The tenants {@code env} names in {@value #TENANTS_ENV} (else {@link #DEFAULT_TENANTS}), with
   * {@value #DEFAULT_STAGE_TENANT} for the default stage.
   *
   * @throws ConfigurationException naming every name that is not a stage name
   */
  public static Set<String> tenants(Map<String, String> env) {
    List<String> names =
        Optional.ofNullable(env.get(TENANTS_ENV))
            .filter(v -> !v.isBlank())
            .map(v -> List.of(v.split(",")))
            .orElse(DEFAULT_TENANTS);
    Set<String> tenants = new LinkedHashSet<>();
    List<String> bad = new ArrayList<>();
    for (String name : names) {
      String tenant = name.strip();
      if (Tenants.isNamed(tenant)) {
        tenants.add(tenant);
      } else {
        bad.add("'" + tenant + "'");
      }
    }
    if (!bad.isEmpty()) {
      throw new ConfigurationException(
          List.of(
              TENANTS_ENV
                  + " names "
                  + String.join(", ", bad)
                  + ": each tenant is a stage name (letters, digits, '-' and '_'), comma-separated"));
    }
    tenants.add(DEFAULT_STAGE_TENANT);
    return tenants;
  }

  /**
   * Creates each tenant's signing secret and API key for each provider in {@code secretsManager}.
   *
   * @param env the signing secrets, checked as everywhere ({@code SecretValues}); a provider
   *     without one must have been given its default already
   * @throws ConfigurationException naming every setting whose value is not a valid key
   */
  public static void create(
      SecretsManagerClient secretsManager,
      Set<String> tenants,
      Map<String, String> env,
      String apiKey) {
    EnvironmentTenantSecrets values = new EnvironmentTenantSecrets(env);
    for (String tenant : tenants) {
      for (Provider provider : Provider.values()) {
        List<String> accepted = values.webhookSecrets(tenant, provider);
        Map<String, Object> webhook = new LinkedHashMap<>();
        webhook.put(SecretsManagerTenantSecrets.WEBHOOK_SECRET, accepted.get(0));
        if (accepted.size() > 1) {
          webhook.put(SecretsManagerTenantSecrets.WEBHOOK_SECRET_PREVIOUS, accepted.get(1));
        }
        put(
            secretsManager,
            SecretsManagerTenantSecrets.webhookSecretId(PREFIX, tenant, provider),
            webhook);
        put(
            secretsManager,
            SecretsManagerTenantSecrets.apiKeySecretId(PREFIX, tenant, provider),
            Map.of(SecretsManagerTenantSecrets.API_KEY, apiKey));
      }
    }
  }

  /**
   * What the functions read in local mode: {@link SecretsManagerTenantSecrets} on {@code
   * secretsManager}, the default stage reading {@value #DEFAULT_STAGE_TENANT}'s secrets.
   */
  public static TenantSecrets reader(SecretsManagerClient secretsManager) {
    TenantSecrets secrets =
        new SecretsManagerTenantSecrets(
            secretsManager,
            PREFIX,
            SecretsManagerTenantSecrets.DEFAULT_CACHE_TTL,
            Clock.systemUTC());
    return new TenantSecrets() {
      @Override
      public List<String> webhookSecrets(String tenant, Provider provider) {
        return secrets.webhookSecrets(named(tenant), provider);
      }

      @Override
      public Optional<String> apiKey(String tenant, Provider provider) {
        return secrets.apiKey(named(tenant), provider);
      }
    };
  }

  private static String named(String tenant) {
    return Tenants.isDefault(tenant) ? DEFAULT_STAGE_TENANT : tenant;
  }

  private static void put(SecretsManagerClient client, String name, Map<String, Object> value) {
    String json;
    try {
      json = JSON.std.asString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client.createSecret(b -> b.name(name).secretString(json));
  }
}
