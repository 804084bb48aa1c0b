package dev.videohook.webhook;

import dev.videohook.provider.Provider;
import java.util.List;

/** Where the receiver finds the signing secrets of a tenant and provider. */
@FunctionalInterface
public interface WebhookSecrets {
  /**
   * @return the accepted secrets, current first (a second one while a secret is rotated); empty
   *     when none is configured
   */
  List<String> secretsFor(String tenant, Provider provider);
}
