package dev.videohook.deploy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.videohook.provider.Provider;
import dev.videohook.webhook.WebhookHandler;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Run by {@link LambdaArtifactTest} in a fresh JVM whose class path is one function's artifact (its
 * classes and its lib/ jars) and this class alone: builds the handler named by the first argument
 * from the environment, as Lambda does at init, and invokes it once. The webhook function gets a
 * signed delivery on the stage named by the second argument, its secret read from Secrets Manager,
 * committed to DynamoDB; the others an empty event of the type their {@code handleRequest} declares
 * (no stream records, a scheduled run). A jar the artifact leaves out that either step loads ends
 * the run with a {@link NoClassDefFoundError}. Prints what the handler answered.
 */
public final class ArtifactProbe {
  private ArtifactProbe() {}

  public static void main(String[] args) throws Exception {
    Class<?> handlerClass = Class.forName(args[0]);
    if (handlerClass == WebhookHandler.class) {
      System.out.println("status " + delivery(args[1], args[2], args[3]));
      return;
    }
    Object handler = handlerClass.getConstructor().newInstance();
    Method handleRequest = null;
    for (Method method : handlerClass.getMethods()) {
      if (method.getName().equals("handleRequest")
          && method.getParameterCount() == 2
          && !method.isBridge()) {
        handleRequest = method;
      }
    }
    if (handleRequest == null) {
      throw new IllegalStateException(args[0] + " has no handleRequest(event, context)");
    }
    Object event = handleRequest.getParameterTypes()[0].getConstructor().newInstance();
    Object result = handleRequest.invoke(handler, event, null);
    System.out.println("invoked " + (result == null ? "null" : result.getClass().getName()));
  }

  /** One signed OpenRouter delivery for job {@code jobId} on {@code stage}; its status code. */
  private static int delivery(String stage, String jobId, String secret) {
    WebhookHandler handler = new WebhookHandler();
    String body =
        "{\"type\":\"video.generation.failed\",\"data\":{\"id\":\""
            + jobId
            + "\",\"status\":\"failed\",\"error\":\"refused\"}}";
    APIGatewayV2HTTPEvent event =
        APIGatewayV2HTTPEvent.builder()
            .withRawPath("/openrouter/video-webhook")
            .withRequestContext(
                APIGatewayV2HTTPEvent.RequestContext.builder().withStage(stage).build())
            .withHeaders(
                Map.of(
                    Provider.OPENROUTER.signatureHeader().toLowerCase(Locale.ROOT),
                    Provider.OPENROUTER.sign(
                        secret,
                        Instant.now().getEpochSecond(),
                        body.getBytes(StandardCharsets.UTF_8))))
            .withBody(body)
            .build();
    return handler.handleRequest(event, null).getStatusCode();
  }
}
