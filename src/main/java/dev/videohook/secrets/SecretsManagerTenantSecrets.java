package dev.videohook.secrets;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.provider.Provider;
import dev.videohook.provider.Tenants;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Two Secrets Manager secrets per tenant and provider, so that each function can be allowed to read
 * only its own: {@code {prefix}/{tenant}/{provider}/webhook}, whose SecretString is {@code
 * {"webhook_secret":"…","webhook_secret_previous":"…"}} (the second optional, while rotating), read
 * by the webhook function; and {@code {prefix}/{tenant}/{provider}/api-key}, {@code
 * {"api_key":"…"}}, read by the download function and the CLI. Each secret is read on first use and
 * kept for a while, so a rotation takes effect within that time without a redeploy. A missing
 * secret means "not configured": the receiver answers 503 and the provider retries. Secret values
 * are never logged.
 */
public final class SecretsManagerTenantSecrets implements TenantSecrets {
  private static final Logger LOG = LoggerFactory.getLogger(SecretsManagerTenantSecrets.class);

  public static final String TENANT_SECRETS_PREFIX = "TENANT_SECRETS_PREFIX";
  public static final String TENANT_SECRETS_CACHE_SECONDS = "TENANT_SECRETS_CACHE_SECONDS";
  public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);

  /** The IAM actions this class calls; template.yaml grants exactly these on the prefix. */
  public static final Set<String> AWS_ACTIONS = Set.of("secretsmanager:GetSecretValue");

  public static final String WEBHOOK_SECRET = "webhook_secret";
  public static final String WEBHOOK_SECRET_PREVIOUS = "webhook_secret_previous";
  public static final String API_KEY = "api_key";

  /** The last part of the name of a signing secret, and of an API key's secret. */
  public static final String WEBHOOK_SUFFIX = "webhook";

  public static final String API_KEY_SUFFIX = "api-key";

  private final SecretsManagerClient client;
  private final String prefix;
  private final Duration ttl;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public SecretsManagerTenantSecrets(
      SecretsManagerClient client, String prefix, Duration ttl, Clock clock) {
    this.client = client;
    this.prefix = prefix;
    this.ttl = ttl;
    this.clock = clock;
  }

  /**
   * The secret that holds a tenant's signing secret(s) for one provider, {@code
   * {prefix}/{tenant}/{provider}/webhook}: only the webhook function may read it.
   */
  public static String webhookSecretId(String prefix, String tenant, Provider provider) {
    return prefix + "/" + tenant + "/" + provider.id() + "/" + WEBHOOK_SUFFIX;
  }

  /**
   * The secret that holds a tenant's API key for one provider, {@code
   * {prefix}/{tenant}/{provider}/api-key}: only the download function (and the CLI) may read it.
   */
  public static String apiKeySecretId(String prefix, String tenant, Provider provider) {
    return prefix + "/" + tenant + "/" + provider.id() + "/" + API_KEY_SUFFIX;
  }

  @Override
  public List<String> webhookSecrets(String tenant, Provider provider) {
    return entry(tenant, webhookSecretId(prefix, tenant, provider), true).webhookSecrets();
  }

  @Override
  public Optional<String> apiKey(String tenant, Provider provider) {
    return entry(tenant, apiKeySecretId(prefix, tenant, provider), false).apiKey();
  }

  private Entry entry(String tenant, String id, boolean webhook) {
    if (!Tenants.isNamed(tenant)) {
      // the default stage, or no tenant at all: no secret has such a name, nor can reach another
      return Entry.NONE;
    }
    Instant now = clock.instant();
    Cached cached = cache.get(id);
    if (cached != null && now.isBefore(cached.expires())) {
      return cached.entry();
    }
    Optional<Entry> loaded = load(id, webhook);
    if (loaded.isEmpty()) {
      // Secrets Manager did not answer: keep using what we had, if anything, and retry next time
      return cached == null ? Entry.NONE : cached.entry();
    }
    cache.put(id, new Cached(loaded.get(), now.plus(ttl)));
    return loaded.get();
  }

  /**
   * @return the secret's entry ({@link Entry#NONE} if missing or unusable); empty on a failed call
   */
  private Optional<Entry> load(String id, boolean webhook) {
    String json;
    try {
      json =
          client
              .getSecretValue(GetSecretValueRequest.builder().secretId(id).build())
              .secretString();
    } catch (ResourceNotFoundException missing) {
      LOG.atWarn()
          .addKeyValue("secretId", id)
          .log("tenant secret not found: this tenant and provider are not configured");
      return Optional.of(Entry.NONE);
    } catch (SdkException e) {
      LOG.atError()
          .addKeyValue("secretId", id)
          .addKeyValue("error", e.getClass().getSimpleName())
          .log("tenant secret could not be read");
      return Optional.empty();
    }
    Entry entry = parse(json);
    for (String field : entry.invalid()) {
      LOG.atError()
          .addKeyValue("secretId", id)
          .addKeyValue("field", field)
          .log(
              "tenant secret field is unusable: only printable ASCII, no spaces or line breaks"
                  + " inside; treated as not set");
    }
    if (webhook && entry.webhookSecrets().isEmpty()) {
      LOG.atError()
          .addKeyValue("secretId", id)
          .log(
              "tenant secret has no usable "
                  + WEBHOOK_SECRET
                  + ": expected a JSON object with a non-empty string");
    }
    return Optional.of(entry);
  }

  static Entry parse(String json) {
    if (json == null) {
      return Entry.NONE;
    }
    Map<String, Object> fields;
    try {
      fields = JSON.std.mapFrom(json);
    } catch (IOException | RuntimeException notJson) {
      return Entry.NONE; // the parser's message could quote the value: never pass it on
    }
    List<String> invalid = new ArrayList<>();
    List<String> accepted = new ArrayList<>(2);
    text(fields, WEBHOOK_SECRET, invalid).ifPresent(accepted::add);
    if (!accepted.isEmpty()) {
      text(fields, WEBHOOK_SECRET_PREVIOUS, invalid).ifPresent(accepted::add);
    }
    return new Entry(List.copyOf(accepted), text(fields, API_KEY, invalid), List.copyOf(invalid));
  }

  /** A field's value, trimmed; an invalid one ({@link SecretValues}) is unusable: noted, absent. */
  private static Optional<String> text(
      Map<String, Object> fields, String name, List<String> invalid) {
    if (!(fields.get(name) instanceof String raw)) {
      return Optional.empty();
    }
    Optional<String> value = SecretValues.trimmed(raw);
    if (value.isPresent() && !SecretValues.isValid(value.get())) {
      invalid.add(name);
      return Optional.empty();
    }
    return value;
  }

  /**
   * @param invalid the names of fields whose values are not valid keys (never the values)
   */
  record Entry(List<String> webhookSecrets, Optional<String> apiKey, List<String> invalid) {
    static final Entry NONE = new Entry(List.of(), Optional.empty(), List.of());

    @Override
    public String toString() {
      return "Entry["
          + webhookSecrets.size()
          + " webhook secret(s), api key "
          + apiKey.isPresent()
          + "]";
    }
  }

  private record Cached(Entry entry, Instant expires) {}
}
