package dev.videohook.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.config.AwsClients;
import dev.videohook.job.JobStore;
import dev.videohook.metrics.Metrics;
import dev.videohook.provider.Provider;
import dev.videohook.provider.Tenants;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.startup.Priming;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Lambda entry point for {@code POST /{provider}/video-webhook} on an API Gateway HTTP API (payload
 * 2.0). The stage names the tenant. Adapts the event to {@link WebhookReceiver} and its outcome to
 * a status code; the response body never says why a request was refused. A stream handler: it reads
 * the event's JSON itself ({@link HttpApiRequest}), so neither aws-lambda-java-events nor the
 * runtime's reflective event mapping is loaded at a cold start.
 */
public class WebhookHandler implements RequestStreamHandler {
  /** The tenant of an HTTP API's {@code $default} stage, or of a request with no stage. */
  public static final String DEFAULT_TENANT = Tenants.DEFAULT;

  /** Every environment variable this function reads; template.yaml must set exactly these. */
  public static final Set<String> ENVIRONMENT = ReceiverConfig.ENVIRONMENT;

  /** Every AWS action this function calls; template.yaml must grant exactly these. */
  public static final Set<String> AWS_ACTIONS = ReceiverConfig.AWS_ACTIONS;

  /** Each outcome's response, {@code {"statusCode":N}}, written once. */
  private static final Map<WebhookOutcome, byte[]> RESPONSES = responses();

  /** A request {@link #prime} reads, to load the event's JSON path before a snapshot. */
  private static final HttpApiRequest PRIMING_REQUEST =
      new HttpApiRequest(
          "POST /openrouter/video-webhook",
          "/openrouter/video-webhook",
          DEFAULT_TENANT,
          Map.of("content-type", "application/json"),
          "{}",
          false);

  private final WebhookReceiver receiver;
  private final Metrics metrics;

  /** Builds everything from the environment, once per execution environment. */
  public WebhookHandler() {
    this(fromEnvironment(System.getenv()));
    Priming.register(this::prime);
  }

  /** For the local stack, embedding and tests. */
  public WebhookHandler(WebhookReceiver receiver) {
    this(receiver, Metrics.toLog());
  }

  public WebhookHandler(WebhookReceiver receiver, Metrics metrics) {
    this.receiver = receiver;
    this.metrics = metrics;
  }

  private static WebhookReceiver fromEnvironment(Map<String, String> env) {
    ReceiverConfig config = ReceiverConfig.fromEnvironment(env);
    DynamoDbClient dynamoDb = AwsClients.dynamoDb(config.shared());
    JobStore store = new JobStore(dynamoDb, config.tableName(), config.deliveryTtl());
    WebhookReceiver receiver =
        new WebhookReceiver(
            store,
            TenantSecrets.fromEnvironment(env),
            config.tolerance(),
            config.maxBodyBytes(),
            Clock.systemUTC());
    return receiver;
  }

  /**
   * What SnapStart runs before it takes the snapshot: a delivery's path, short of committing one
   * ({@link WebhookReceiver#prime}).
   */
  public void prime() {
    try {
      HttpApiRequest.read(new ByteArrayInputStream(PRIMING_REQUEST.toJson()));
    } catch (IOException | RuntimeException e) {
      // priming is best effort: the first real request loads what this did not
    }
    receiver.prime();
  }

  /** The Lambda entry point: the event's JSON in, {@code {"statusCode":N}} out. */
  @Override
  public void handleRequest(InputStream event, OutputStream response, Context context)
      throws IOException {
    WebhookOutcome outcome = respond(HttpApiRequest.read(event));
    response.write(RESPONSES.get(outcome));
  }

  /** Handles one request and counts it. */
  private WebhookOutcome respond(HttpApiRequest request) {
    WebhookOutcome outcome = handle(request);
    count(request, outcome);
    return outcome;
  }

  /** One EMF metric per request, named by its outcome. */
  private void count(HttpApiRequest event, WebhookOutcome outcome) {
    String tenant = tenant(event);
    String provider = Provider.fromWebhookPath(path(event)).map(Provider::id).orElse(null);
    switch (outcome) {
      case RECORDED, UNKNOWN_TYPE_RECORDED -> metrics.accepted(tenant, provider);
      case JOB_ALREADY_TERMINAL -> {
        metrics.accepted(tenant, provider);
        metrics.lateTerminalEvent(tenant, provider);
      }
      case DUPLICATE -> metrics.duplicate(tenant, provider);
      case FOREIGN_TENANT -> metrics.foreignTenant(tenant, provider);
      case INVALID_EVENT, UNSTORABLE_EVENT -> metrics.invalidEvent(tenant, provider);
      case STORAGE_FAILED -> metrics.storageError(tenant, provider);
      case NOT_FOUND, UNAUTHORIZED, BODY_TOO_LARGE, NOT_CONFIGURED ->
          metrics.rejected(tenant, provider, outcome.name().toLowerCase(Locale.ROOT));
    }
  }

  /** The outcome for one request; the response is only its status code. */
  public WebhookOutcome handle(HttpApiRequest event) {
    Optional<Provider> provider = Provider.fromWebhookPath(path(event));
    String tenant = tenant(event);
    if (provider.isEmpty() || !Tenants.isValid(tenant)) {
      return WebhookOutcome.NOT_FOUND;
    }
    String body = event.body() == null ? "" : event.body();
    byte[] raw;
    if (event.base64Encoded()) {
      // 4 base64 characters carry 3 bytes: refuse an oversized body before decoding it
      if ((long) body.length() / 4 * 3 > receiver.maxBodyBytes() + 3L) {
        return WebhookOutcome.BODY_TOO_LARGE;
      }
      try {
        raw = Base64.getDecoder().decode(body);
      } catch (IllegalArgumentException notBase64) {
        // no raw bytes, so no signature can match them: refused like any unverifiable request
        return receiver.refuseUndecodable(tenant, provider.get());
      }
    } else {
      raw = body.getBytes(StandardCharsets.UTF_8);
    }
    return receiver.receive(tenant, provider.get(), lowerCaseNames(event.headers()), raw);
  }

  private static Map<WebhookOutcome, byte[]> responses() {
    Map<WebhookOutcome, byte[]> responses = new EnumMap<>(WebhookOutcome.class);
    for (WebhookOutcome outcome : WebhookOutcome.values()) {
      try {
        responses.put(outcome, JSON.std.asBytes(Map.of("statusCode", outcome.httpStatus())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return responses;
  }

  private static String path(HttpApiRequest event) {
    if (event.rawPath() != null) {
      return event.rawPath();
    }
    String routeKey = event.routeKey();
    return routeKey == null ? null : routeKey.substring(routeKey.indexOf(' ') + 1);
  }

  private static String tenant(HttpApiRequest event) {
    String stage = event.stage();
    return stage == null || stage.isBlank() ? DEFAULT_TENANT : stage;
  }

  /**
   * Header names in lower case. Names that differ only in case are one header, their values joined
   * with commas as API Gateway joins a repeated header, so the verdict never depends on which
   * spelling a map happens to iterate last.
   */
  private static Map<String, String> lowerCaseNames(Map<String, String> headers) {
    Map<String, String> lower = new HashMap<>();
    if (headers != null) {
      Map<String, String> byName = new TreeMap<>();
      headers.forEach(
          (name, value) -> {
            if (name != null && value != null) {
              byName.put(name, value);
            }
          });
      byName.forEach(
          (name, value) ->
              lower.merge(
                  name.toLowerCase(Locale.ROOT), value, (first, second) -> first + "," + second));
    }
    return lower;
  }
}
