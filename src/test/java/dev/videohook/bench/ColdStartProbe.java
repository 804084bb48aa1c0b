package dev.videohook.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.videohook.signature.SignatureVerifier;
import dev.videohook.webhook.WebhookHandler;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Run in a fresh JVM by {@link ColdStartBench}: what a Lambda cold start does, without the runtime
 * around it. Builds the handler from the environment, handles one signed delivery, and prints the
 * milliseconds since the JVM started at each point.
 */
public final class ColdStartProbe {
  private ColdStartProbe() {}

  public static void main(String[] args) {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    long mainAt = System.currentTimeMillis();
    WebhookHandler handler = new WebhookHandler();
    long initAt = System.currentTimeMillis();
    String body =
        "{\"type\":\"video.generation.completed\",\"data\":{\"id\":\""
            + args[0]
            + "\",\"status\":\"completed\",\"unsigned_urls\":[]}}";
    APIGatewayV2HTTPEvent event =
        APIGatewayV2HTTPEvent.builder()
            .withRawPath("/openrouter/video-webhook")
            .withHeaders(
                Map.of(
                    "x-openrouter-signature",
                    SignatureVerifier.signatureHeader(
                        System.getenv("OPENROUTER_WEBHOOK_SECRET"),
                        Instant.now().getEpochSecond(),
                        body.getBytes(StandardCharsets.UTF_8))))
            .withBody(body)
            .build();
    int status = handler.handleRequest(event, null).getStatusCode();
    long firstAt = System.currentTimeMillis();
    System.out.printf(
        "%d %d %d %d%n", status, mainAt - jvmStart, initAt - jvmStart, firstAt - jvmStart);
  }
}
