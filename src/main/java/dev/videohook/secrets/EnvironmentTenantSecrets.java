package dev.videohook.secrets;

import dev.videohook.config.ConfigurationException;
import dev.videohook.config.Settings;
import dev.videohook.provider.Provider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Secrets from environment variables, the same for every tenant: {@code OPENROUTER_WEBHOOK_SECRET}
 * and {@code MODELGATES_WEBHOOK_SECRET}, each with an optional {@code ..._PREVIOUS} accepted beside
 * it while a secret is rotated, and {@code OPENROUTER_API_KEY} / {@code MODELGATES_API_KEY}. For
 * the local stack and single-tenant setups. Values are trimmed and validated ({@link
 * SecretValues}).
 */
public final class EnvironmentTenantSecrets implements TenantSecrets {
  /** The variables this source reads: plain secrets, for the local stack only. */
  public static final Set<String> ENVIRONMENT =
      Arrays.stream(Provider.values())
          .flatMap(
              p -> Stream.of(p.webhookSecretEnv(), p.previousWebhookSecretEnv(), p.apiKeyEnv()))
          .collect(Collectors.toUnmodifiableSet());

  private final Map<Provider, List<String>> webhookSecrets = new EnumMap<>(Provider.class);
  private final Map<Provider, String> apiKeys = new EnumMap<>(Provider.class);

  /**
   * @throws ConfigurationException naming every variable whose value is not a valid key ({@link
   *     SecretValues}), never the value
   */
  public EnvironmentTenantSecrets(Map<String, String> env) {
    Settings settings = new Settings(env);
    for (Provider provider : Provider.values()) {
      List<String> accepted = new ArrayList<>(2);
      read(settings, env, provider.webhookSecretEnv()).ifPresent(accepted::add);
      read(settings, env, provider.previousWebhookSecretEnv()).ifPresent(accepted::add);
      webhookSecrets.put(provider, List.copyOf(accepted));
      read(settings, env, provider.apiKeyEnv()).ifPresent(key -> apiKeys.put(provider, key));
    }
    settings.check();
  }

  private static Optional<String> read(Settings settings, Map<String, String> env, String name) {
    return SecretValues.read(settings, name, env.get(name));
  }

  @Override
  public List<String> webhookSecrets(String tenant, Provider provider) {
    return webhookSecrets.get(provider);
  }

  @Override
  public Optional<String> apiKey(String tenant, Provider provider) {
    return Optional.ofNullable(apiKeys.get(provider));
  }
}
