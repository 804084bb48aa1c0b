package dev.videohook.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.videohook.config.AwsClients;
import dev.videohook.job.JobStore;
import dev.videohook.metrics.Metrics;
import dev.videohook.provider.Provider;
import dev.videohook.provider.Tenants;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.startup.Priming;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
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
 * a status code; the response body never says why a request was refused.
 */
public class WebhookHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  /** The tenant of an HTTP API's {@code $default} stage, or of a request with no stage. */
  public static final String DEFAULT_TENANT = Tenants.DEFAULT;

  /** Every environment variable this function reads; template.yaml must set exactly these. */
  public static final Set<String> ENVIRONMENT = ReceiverConfig.ENVIRONMENT;

  /** Every AWS action this function calls; template.yaml must grant exactly these. */
  public static final Set<String> AWS_ACTIONS = ReceiverConfig.AWS_ACTIONS;

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
    receiver.prime();
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    WebhookOutcome outcome = handle(event);
    count(event, outcome);
    return respond(outcome);
  }

  /** One EMF metric per request, named by its outcome. */
  private void count(APIGatewayV2HTTPEvent event, WebhookOutcome outcome) {
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
  public WebhookOutcome handle(APIGatewayV2HTTPEvent event) {
    Optional<Provider> provider = Provider.fromWebhookPath(path(event));
    String tenant = tenant(event);
    if (provider.isEmpty() || !Tenants.isValid(tenant)) {
      return WebhookOutcome.NOT_FOUND;
    }
    String body = event.getBody() == null ? "" : event.getBody();
    byte[] raw;
    if (event.getIsBase64Encoded()) {
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
    return receiver.receive(tenant, provider.get(), lowerCaseNames(event.getHeaders()), raw);
  }

  private static APIGatewayV2HTTPResponse respond(WebhookOutcome outcome) {
    return APIGatewayV2HTTPResponse.builder().withStatusCode(outcome.httpStatus()).build();
  }

  private static String path(APIGatewayV2HTTPEvent event) {
    if (event.getRawPath() != null) {
      return event.getRawPath();
    }
    String routeKey = event.getRouteKey();
    return routeKey == null ? null : routeKey.substring(routeKey.indexOf(' ') + 1);
  }

  private static String tenant(APIGatewayV2HTTPEvent event) {
    var context = event.getRequestContext();
    String stage = context == null ? null : context.getStage();
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
