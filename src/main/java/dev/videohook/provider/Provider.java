package dev.videohook.provider;

import dev.videohook.signature.SignatureScheme;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The two API-compatible providers. The webhook path names the provider, which picks its wire
 * format (header names and signature scheme), the API base and the environment variables of its
 * secrets. Adding a provider is one constant here and the template's provider list; every list of
 * providers elsewhere (CLI help, error messages) is derived from {@link #values()}.
 */
public enum Provider {
  OPENROUTER(
      "openrouter",
      URI.create("https://openrouter.ai/api/v1"),
      new WireFormat(
          "X-OpenRouter-Signature",
          "X-OpenRouter-Idempotency-Key",
          SignatureScheme.TIMESTAMPED_HMAC_SHA256)),
  MODELGATES(
      "modelgates",
      URI.create("https://modelgates.ai/api/v1"),
      new WireFormat(
          "X-ModelGates-Signature",
          "X-ModelGates-Idempotency-Key",
          SignatureScheme.TIMESTAMPED_HMAC_SHA256));

  private final String id;
  private final URI defaultApiBase;
  private final WireFormat wire;

  Provider(String id, URI defaultApiBase, WireFormat wire) {
    this.id = id;
    this.defaultApiBase = defaultApiBase;
    this.wire = wire;
  }

  /** Lower-case name used in paths, S3 keys, CLI arguments and stored records. */
  public String id() {
    return id;
  }

  public URI defaultApiBase() {
    return defaultApiBase;
  }

  /** Its headers and signature scheme: what a signer writes and the receiver checks. */
  public WireFormat wire() {
    return wire;
  }

  public String signatureHeader() {
    return wire.signatureHeader();
  }

  public String idempotencyHeader() {
    return wire.idempotencyHeader();
  }

  /** The value of {@link #signatureHeader()} that signs {@code rawBody} at {@code unixSeconds}. */
  public String sign(String secret, long unixSeconds, byte[] rawBody) {
    return wire.sign(secret, unixSeconds, rawBody);
  }

  /** The ids of every provider, as a reader would list them: {@code openrouter, modelgates}. */
  public static String ids() {
    return Arrays.stream(values()).map(Provider::id).collect(Collectors.joining(", "));
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
