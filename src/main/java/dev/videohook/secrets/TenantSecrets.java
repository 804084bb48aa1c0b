package dev.videohook.secrets;

import dev.videohook.provider.Provider;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where a tenant's signing secrets and provider API key for one provider are found. */
public interface TenantSecrets {
  /**
   * @return the accepted webhook signing secrets, current first (a second one while a secret is
   *     rotated); empty when none is configured
   */
  List<String> webhookSecrets(String tenant, Provider provider);

  /** The provider API key, sent only to that provider's API origin. */
  Optional<String> apiKey(String tenant, Provider provider);

  /** The secrets named by the environment: the same for every tenant. */
  static TenantSecrets fromEnvironment(Map<String, String> env) {
    return new EnvironmentTenantSecrets(env);
  }
}
