package dev.videohook.webhook;

import dev.videohook.event.InvalidEventException;
import dev.videohook.event.ParsedEvent;
import dev.videohook.event.UnknownEvent;
import dev.videohook.event.Utf8Body;
import dev.videohook.event.VideoEvent;
import dev.videohook.job.Delivery;
import dev.videohook.job.JobCommits;
import dev.videohook.job.JobKey;
import dev.videohook.job.RecordOutcome;
import dev.videohook.job.UnstorableDeliveryException;
import dev.videohook.provider.Provider;
import dev.videohook.provider.Tenants;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.signature.VerificationResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Takes one webhook request, verified or not, and decides its answer. Nothing is written unless the
 * signature is valid and the body is a valid event; then exactly one commit is made. No Lambda
 * types here: the handler and the local server both call this.
 */
public final class WebhookReceiver {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);

  /** A tenant whose secrets lookup primes that path; no secret needs to exist for it. */
  static final String PRIMING_TENANT = Tenants.RESERVED_PRIMING;

  private static final String PRIMING_EVENT =
      "{\"type\":\"video.generation.completed\",\"created_at\":\"2026-01-01T00:00:00Z\","
          + "\"data\":{\"id\":\"priming\",\"status\":\"completed\",\"model\":\"m\","
          + "\"unsigned_urls\":[\"https://example.com/v.mp4\"],"
          + "\"usage\":{\"cost\":0.4,\"is_byok\":false}}}";

  private final JobCommits store;
  private final TenantSecrets secrets;
  private final Duration tolerance;
  private final int maxBodyBytes;
  private final Clock clock;

  public WebhookReceiver(
      JobCommits store, TenantSecrets secrets, Duration tolerance, int maxBodyBytes, Clock clock) {
    this.store = store;
    this.secrets = secrets;
    this.tolerance = tolerance;
    this.maxBodyBytes = maxBodyBytes;
    this.clock = clock;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * @param headers request headers with lower-case names
   * @param body the raw body bytes, exactly as received
   */
  public WebhookOutcome receive(
      String tenant, Provider provider, Map<String, String> headers, byte[] body) {
    if (body.length > maxBodyBytes) {
      log(Level.WARN, tenant, provider, WebhookOutcome.BODY_TOO_LARGE)
          .addKeyValue("bodyBytes", body.length)
          .log("webhook rejected: body over {} bytes", maxBodyBytes);
      return WebhookOutcome.BODY_TOO_LARGE;
    }
    List<String> accepted = secrets.webhookSecrets(tenant, provider);
    if (accepted.isEmpty()) {
      log(Level.ERROR, tenant, provider, WebhookOutcome.NOT_CONFIGURED)
          .log(
              "webhook not accepted: no signing secret is configured for this tenant and provider");
      return WebhookOutcome.NOT_CONFIGURED;
    }
    String signature = headers.get(provider.signatureHeader().toLowerCase(Locale.ROOT));
    VerificationResult verification =
        provider.wire().verify(signature, body, accepted, tolerance, clock);
    if (!verification.isVerified()) {
      log(Level.WARN, tenant, provider, WebhookOutcome.UNAUTHORIZED)
          .addKeyValue("reason", verification.failure().orElseThrow())
          .log("webhook rejected: invalid signature");
      return WebhookOutcome.UNAUTHORIZED;
    }
    ParsedEvent parsed;
    String rawBody;
    try {
      rawBody = Utf8Body.decode(body);
      parsed = VideoEvent.read(body);
    } catch (InvalidEventException e) {
      log(Level.WARN, tenant, provider, WebhookOutcome.INVALID_EVENT)
          .addKeyValue("reason", e.getMessage())
          .log("webhook rejected: signed body is not a valid event");
      return WebhookOutcome.INVALID_EVENT;
    }
    String idempotencyHeader = headers.get(provider.idempotencyHeader().toLowerCase(Locale.ROOT));
    if (parsed instanceof UnknownEvent unknown) {
      return recordUnknown(tenant, provider, unknown, rawBody, idempotencyHeader);
    }
    VideoEvent event = (VideoEvent) parsed;
    if (!event.adjustments().isEmpty()) {
      // informational fields that drifted in type or size: stored what fits, the raw event keeps
      // the original
      log(Level.WARN, tenant, provider)
          .addKeyValue("jobId", event.jobId())
          .addKeyValue("adjustments", event.adjustments())
          .log("event stored with informational fields adjusted to fit");
    }
    if (idempotencyHeader != null && !idempotencyHeader.equals(event.dedupeKey())) {
      // the header is not signed: log the disagreement, keep the key derived from the signed body
      log(Level.WARN, tenant, provider)
          .addKeyValue("jobId", event.jobId())
          .addKeyValue("dedupeKey", event.dedupeKey())
          .addKeyValue("idempotencyHeader", idempotencyHeader)
          .log("idempotency header disagrees with the signed body; using the body's key");
    }
    Delivery delivery =
        new Delivery(tenant, provider, event, rawBody, idempotencyHeader, clock.instant());
    RecordOutcome outcome;
    try {
      outcome = store.recordDelivery(delivery);
    } catch (UnstorableDeliveryException e) {
      return unstorable(tenant, provider, event.jobId(), e);
    } catch (RuntimeException e) {
      log(Level.ERROR, tenant, provider, WebhookOutcome.STORAGE_FAILED)
          .addKeyValue("jobId", event.jobId())
          .setCause(e)
          .log("webhook not acknowledged: the job table could not be written");
      return WebhookOutcome.STORAGE_FAILED;
    }
    if (outcome == RecordOutcome.FOREIGN_TENANT) {
      log(Level.ERROR, tenant, provider, WebhookOutcome.FOREIGN_TENANT)
          .addKeyValue("jobId", event.jobId())
          .addKeyValue("alarm", "foreign_tenant")
          .log(
              "webhook refused: the job was submitted for another tenant; nothing written (a"
                  + " replay with a shared secret, or a misrouted callback URL)");
      return WebhookOutcome.FOREIGN_TENANT;
    }
    log(Level.INFO, tenant, provider)
        .addKeyValue("jobId", event.jobId())
        .addKeyValue("status", event.status())
        .addKeyValue("outcome", outcome)
        .log("webhook accepted");
    return switch (outcome) {
      case RECORDED -> WebhookOutcome.RECORDED;
      case DUPLICATE -> WebhookOutcome.DUPLICATE;
      case JOB_ALREADY_TERMINAL -> WebhookOutcome.JOB_ALREADY_TERMINAL;
      case FOREIGN_TENANT -> WebhookOutcome.FOREIGN_TENANT;
    };
  }

  /**
   * A request whose body could not be decoded (API Gateway flagged it base64, but it is not): there
   * are no raw bytes a signature could cover, so it is refused as unverified, 401, after the same
   * configuration check as any request (503 when the tenant has no secret).
   */
  public WebhookOutcome refuseUndecodable(String tenant, Provider provider) {
    if (secrets.webhookSecrets(tenant, provider).isEmpty()) {
      log(Level.ERROR, tenant, provider, WebhookOutcome.NOT_CONFIGURED)
          .log(
              "webhook not accepted: no signing secret is configured for this tenant and provider");
      return WebhookOutcome.NOT_CONFIGURED;
    }
    log(Level.WARN, tenant, provider, WebhookOutcome.UNAUTHORIZED)
        .addKeyValue("reason", "body is not valid base64")
        .log("webhook rejected: invalid signature");
    return WebhookOutcome.UNAUTHORIZED;
  }

  /** An unknown event type is kept raw as a delivery record; no job changes. */
  private WebhookOutcome recordUnknown(
      String tenant,
      Provider provider,
      UnknownEvent unknown,
      String rawBody,
      String idempotencyHeader) {
    String jobId = unknown.jobId() == null ? "" : unknown.jobId();
    RecordOutcome outcome;
    try {
      outcome =
          store.recordUnknownEvent(
              new JobKey(tenant, provider, jobId),
              unknown.type(),
              rawBody,
              idempotencyHeader,
              clock.instant());
    } catch (UnstorableDeliveryException e) {
      return unstorable(tenant, provider, jobId, e);
    } catch (RuntimeException e) {
      log(Level.ERROR, tenant, provider, WebhookOutcome.STORAGE_FAILED)
          .addKeyValue("jobId", jobId)
          .setCause(e)
          .log("webhook not acknowledged: the job table could not be written");
      return WebhookOutcome.STORAGE_FAILED;
    }
    log(Level.INFO, tenant, provider, WebhookOutcome.UNKNOWN_TYPE_RECORDED)
        .addKeyValue("jobId", jobId)
        .addKeyValue("eventType", unknown.type())
        .addKeyValue("record", outcome)
        .log("webhook accepted: event type unknown to this version, kept raw, no job changed");
    return WebhookOutcome.UNKNOWN_TYPE_RECORDED;
  }

  /**
   * DynamoDB refused the values: 400, so the provider stops retrying what can never be stored.
   * Logged at ERROR with {@code alarm=unstorable_event} for a metric filter, since a job may be
   * lost here.
   */
  private static WebhookOutcome unstorable(
      String tenant, Provider provider, String jobId, UnstorableDeliveryException e) {
    log(Level.ERROR, tenant, provider, WebhookOutcome.UNSTORABLE_EVENT)
        .addKeyValue("jobId", jobId)
        .addKeyValue("alarm", "unstorable_event")
        .setCause(e)
        .log("webhook rejected: DynamoDB refused the event's values");
    return WebhookOutcome.UNSTORABLE_EVENT;
  }

  /**
   * SnapStart priming of the request path a delivery takes, short of the commit: HMAC over a sample
   * body, parsing it, a secrets lookup and the commit's requests against a key no job has ({@link
   * JobCommits#prime}). Writes nothing; a failing step is logged and the others still run.
   */
  public void prime() {
    byte[] body = PRIMING_EVENT.getBytes(StandardCharsets.UTF_8);
    try {
      String secret = "priming-only-not-a-secret";
      for (Provider provider : Provider.values()) {
        String header = provider.sign(secret, clock.instant().getEpochSecond(), body);
        provider.wire().verify(header, body, List.of(secret), tolerance, clock);
      }
      VideoEvent.read(body);
      Utf8Body.decode(body);
    } catch (InvalidEventException | RuntimeException e) {
      LOG.atWarn().setCause(e).log("priming the verify and parse path failed");
    }
    try {
      secrets.webhookSecrets(PRIMING_TENANT, Provider.OPENROUTER);
    } catch (RuntimeException e) {
      LOG.atWarn().setCause(e).log("priming the secrets lookup failed");
    }
    store.prime();
  }

  /** Every line about a request names its tenant and provider. */
  private static LoggingEventBuilder log(Level level, String tenant, Provider provider) {
    return LOG.atLevel(level).addKeyValue("tenant", tenant).addKeyValue("provider", provider.id());
  }

  /** A line that ends a request also names its outcome. */
  private static LoggingEventBuilder log(
      Level level, String tenant, Provider provider, WebhookOutcome outcome) {
    return log(level, tenant, provider).addKeyValue("outcome", outcome);
  }
}
