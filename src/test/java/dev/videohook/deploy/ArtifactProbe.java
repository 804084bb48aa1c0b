package dev.videohook.deploy;

import dev.videohook.provider.Provider;
import dev.videohook.webhook.HttpApiRequest;
import dev.videohook.webhook.WebhookHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
      System.out.println("response " + delivery(args[1], args[2], args[3]));
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

  /** One signed OpenRouter delivery for job {@code jobId} on {@code stage}; the response. */
  private static String delivery(String stage, String jobId, String secret) throws IOException {
    WebhookHandler handler = new WebhookHandler();
    String body =
        "{\"type\":\"video.generation.failed\",\"data\":{\"id\":\""
            + jobId
            + "\",\"status\":\"failed\",\"error\":\"refused\"}}";
    HttpApiRequest request =
        new HttpApiRequest(
            "POST /openrouter/video-webhook",
            "/openrouter/video-webhook",
            stage,
            Map.of(
                Provider.OPENROUTER.signatureHeader().toLowerCase(Locale.ROOT),
                Provider.OPENROUTER.sign(
                    secret, Instant.now().getEpochSecond(), body.getBytes(StandardCharsets.UTF_8))),
            body,
            false);
    // as the Lambda runtime invokes a stream handler: the event's JSON in, the response's out
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(request.toJson()), response, null);
    return response.toString(StandardCharsets.UTF_8);
  }
}
