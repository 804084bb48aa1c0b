package dev.videohook.deploy;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
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
 * committed to DynamoDB; the others the event whose JSON is the second argument (no stream records,
 * a scheduled run), mapped to the type their {@code handleRequest} declares by the Lambda Java
 * runtime's own serialization library, which the class path adds as the runtime would. A jar the
 * artifact leaves out that either step loads ends the run with a {@link NoClassDefFoundError}.
 * Prints what the handler answered.
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
    // as Lambda's Java runtime invokes a handler of aws-lambda-java-events' classes: the event's
    // JSON mapped by the runtime's serialization library, its answer mapped back the same way. The
    // library loads some of the event classes' dependencies (joda-time) from the function's own
    // class path, so an artifact without them fails here as it would in AWS.
    ClassLoader functionLoader = ArtifactProbe.class.getClassLoader();
    Class<?> eventType = handleRequest.getParameterTypes()[0];
    Object event =
        LambdaEventSerializers.serializerFor(eventType, functionLoader)
            .fromJson(new ByteArrayInputStream(args[1].getBytes(StandardCharsets.UTF_8)));
    Object result = handleRequest.invoke(handler, event, null);
    if (result != null
        && LambdaEventSerializers.isLambdaSupportedEvent(result.getClass().getName())) {
      mapBack(result, functionLoader);
    }
    System.out.println("invoked " + (result == null ? "null" : result.getClass().getName()));
  }

  @SuppressWarnings("unchecked")
  private static <T> void mapBack(T result, ClassLoader functionLoader) {
    LambdaEventSerializers.serializerFor((Class<T>) result.getClass(), functionLoader)
        .toJson(result, new ByteArrayOutputStream());
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
