package dev.videohook.testing;

import dev.videohook.provider.Provider;
import dev.videohook.secrets.TenantSecrets;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The one secrets stub, for tests whose subject is not where secrets come from (that is {@code
 * SecretsManagerTenantSecretsTest}, on moto): fixed signing secrets and API keys, per tenant and
 * provider where a test needs it.
 */
public final class StubSecrets implements TenantSecrets {
  private final BiFunction<String, Provider, List<String>> webhookSecrets;
  private final BiFunction<String, Provider, Optional<String>> apiKeys;

  private StubSecrets(
      BiFunction<String, Provider, List<String>> webhookSecrets,
      BiFunction<String, Provider, Optional<String>> apiKeys) {
    this.webhookSecrets = webhookSecrets;
    this.apiKeys = apiKeys;
  }

  /** These signing secrets (current first) for every tenant and provider; no API key. */
  public static StubSecrets signing(String... accepted) {
    List<String> secrets = List.of(accepted);
    return new StubSecrets((tenant, provider) -> secrets, (tenant, provider) -> Optional.empty());
  }

  /** Signing secrets chosen per tenant and provider; no API key. */
  public static StubSecrets signing(BiFunction<String, Provider, List<String>> byTenant) {
    return new StubSecrets(byTenant, (tenant, provider) -> Optional.empty());
  }

  /** This API key for every tenant and provider; no signing secret. */
  public static StubSecrets apiKey(String key) {
    Optional<String> apiKey = Optional.ofNullable(key);
    return new StubSecrets((tenant, provider) -> List.of(), (tenant, provider) -> apiKey);
  }

  /** API keys chosen per tenant and provider, asked at every lookup; no signing secret. */
  public static StubSecrets apiKeys(BiFunction<String, Provider, Optional<String>> byTenant) {
    return new StubSecrets((tenant, provider) -> List.of(), byTenant);
  }

  @Override
  public List<String> webhookSecrets(String tenant, Provider provider) {
    return webhookSecrets.apply(tenant, provider);
  }

  @Override
  public Optional<String> apiKey(String tenant, Provider provider) {
    return apiKeys.apply(tenant, provider);
  }
}
