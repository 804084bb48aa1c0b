package dev.videohook.webhook;

import dev.videohook.provider.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Secrets from environment variables, the same for every tenant: {@code OPENROUTER_WEBHOOK_SECRET}
 * and {@code MODELGATES_WEBHOOK_SECRET}, each with an optional {@code ..._PREVIOUS} accepted
 * beside it while a secret is rotated. For the local stack and single-tenant setups; deployed
 * tenants keep theirs in Secrets Manager.
 */
public final class EnvironmentWebhookSecrets implements WebhookSecrets {
  private final Map<Provider, List<String>> secrets;

  public EnvironmentWebhookSecrets(Map<String, String> env) {
    Map<Provider, List<String>> byProvider = new java.util.EnumMap<>(Provider.class);
    for (Provider provider : Provider.values()) {
      List<String> accepted = new ArrayList<>(2);
      addIfSet(accepted, env.get(provider.webhookSecretEnv()));
      addIfSet(accepted, env.get(provider.previousWebhookSecretEnv()));
      byProvider.put(provider, List.copyOf(accepted));
    }
    this.secrets = byProvider;
  }

  @Override
  public List<String> secretsFor(String tenant, Provider provider) {
    return secrets.get(provider);
  }

  private static void addIfSet(List<String> accepted, String value) {
    if (value != null && !value.isEmpty()) {
      accepted.add(value);
    }
  }
}
