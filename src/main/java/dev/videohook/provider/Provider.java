package dev.videohook.provider;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The two API-compatible providers. The webhook path names the provider, which picks the header
 * names, the API base and the environment variables of its secrets.
 */
public enum Provider {
  OPENROUTER("openrouter", "OpenRouter", URI.create("https://openrouter.ai/api/v1")),
  MODELGATES("modelgates", "ModelGates", URI.create("https://modelgates.ai/api/v1"));

  private final String id;
  private final String brand;
  private final URI defaultApiBase;

  Provider(String id, String brand, URI defaultApiBase) {
    this.id = id;
    this.brand = brand;
    this.defaultApiBase = defaultApiBase;
  }

  /** Lower-case name used in paths, S3 keys, CLI arguments and stored records. */
  public String id() {
    return id;
  }

  public URI defaultApiBase() {
    return defaultApiBase;
  }

  public String signatureHeader() {
    return "X-" + brand + "-Signature";
  }

  public String idempotencyHeader() {
    return "X-" + brand + "-Idempotency-Key";
  }

  /** The path segment after the stage: {@code /openrouter/video-webhook}. */
  public String webhookPath() {
    return "/" + id + "/video-webhook";
  }

  private String envPrefix() {
    return id.toUpperCase(Locale.ROOT);
  }

  public String webhookSecretEnv() {
    return envPrefix() + "_WEBHOOK_SECRET";
  }

  /** The secret accepted beside the current one while a secret is being rotated. */
  public String previousWebhookSecretEnv() {
    return envPrefix() + "_WEBHOOK_SECRET_PREVIOUS";
  }

  public String apiKeyEnv() {
    return envPrefix() + "_API_KEY";
  }

  public String apiBaseEnv() {
    return envPrefix() + "_API_BASE";
  }

  public static Optional<Provider> fromId(String id) {
    return Arrays.stream(values()).filter(p -> p.id.equalsIgnoreCase(id)).findFirst();
  }

  /** The provider whose webhook path ends {@code path}, whatever stage prefix comes before it. */
  public static Optional<Provider> fromWebhookPath(String path) {
    if (path == null) {
      return Optional.empty();
    }
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return Arrays.stream(values()).filter(p -> trimmed.endsWith(p.webhookPath())).findFirst();
  }
}
