package dev.videohook.bench;

import dev.videohook.provider.Provider;
import dev.videohook.webhook.HttpApiRequest;
import dev.videohook.webhook.WebhookHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Run in a fresh JVM by {@link ColdStartBench}, on the functions' own class path: what a Lambda
 * cold start does, without the runtime around it. Builds the handler from the environment,
 * optionally primes it as SnapStart would, handles one signed delivery, and prints the status and
 * the milliseconds since the JVM started at each point.
 */
public final class ColdStartProbe {
  private ColdStartProbe() {}

  public static void main(String[] args) throws IOException {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    long mainAt = System.currentTimeMillis();
    WebhookHandler handler = new WebhookHandler();
    long initAt = System.currentTimeMillis();
    if (args.length > 1 && args[1].equals("primed")) {
      handler.prime(); // what SnapStart does before its snapshot: the first request finds it done
    }
    long primedAt = System.currentTimeMillis();
    String body =
        "{\"type\":\"video.generation.completed\",\"data\":{\"id\":\""
            + args[0]
            + "\",\"status\":\"completed\",\"unsigned_urls\":[]}}";
    byte[] event =
        new HttpApiRequest(
                "POST /openrouter/video-webhook",
                "/openrouter/video-webhook",
                "$default",
                Map.of(
                    Provider.OPENROUTER.signatureHeader().toLowerCase(Locale.ROOT),
                    Provider.OPENROUTER.sign(
                        System.getenv("OPENROUTER_WEBHOOK_SECRET"),
                        Instant.now().getEpochSecond(),
                        body.getBytes(StandardCharsets.UTF_8))),
                body,
                false)
            .toJson();
    long mappedMillis = 0;
    if (args.length > 1 && args[1].equals("runtime-mapped")) {
      // the runtime's own mapping of the event, as a POJO handler of aws-lambda-java-events had
      mappedMillis = RuntimeEventMapping.roundTripMillis(event);
    }
    // as the Lambda runtime invokes the stream handler: the event's JSON in, the response out
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(event), response, null);
    int status = response.toString(StandardCharsets.UTF_8).contains("204") ? 204 : 0;
    long firstAt = System.currentTimeMillis();
    System.out.printf(
        "%d %d %d %d %d%n",
        status, mainAt - jvmStart, initAt - jvmStart, primedAt - jvmStart, firstAt - jvmStart);
    if (mappedMillis > 0) {
      System.out.printf("runtime-mapped %d%n", mappedMillis);
    }
  }
}
