package dev.videohook.local;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.provider.Provider;
import dev.videohook.signature.SignatureVerifier;
import java.io.PrintStream;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mvn -q -Plocal [-Dexec.args=serve]}: the whole flow on this machine. */
@Command(
    name = "videohook-local",
    mixinStandardHelpOptions = true,
    subcommands = {LocalMain.Demo.class, LocalMain.Serve.class},
    description = "Runs videohook on this machine: DynamoDB Local and the webhook server, no AWS.")
public final class LocalMain {
  private static final PrintStream OUT = System.out;

  public static void main(String[] args) {
    // serve returns only on a start-up error; the emulators' threads would keep the JVM alive
    System.exit(new CommandLine(new LocalMain()).execute(args.length == 0 ? new String[] {"demo"} : args));
  }

  @Command(name = "demo", description = "Starts the stack, sends a signed webhook twice, shows the job, stops.")
  static final class Demo implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      try (LocalStack stack = LocalStack.start(0, System.getenv())) {
        step("local stack up", "webhook server " + stack.apiBase() + ", DynamoDB Local " + stack.dynamoDbEndpoint());
        String jobId = "demo_" + UUID.randomUUID().toString().substring(0, 8);
        URI callback = stack.callbackUrl("$default", Provider.OPENROUTER);
        String body = completedEvent(jobId);
        int first = post(callback, Provider.OPENROUTER, stack.webhookSecret(Provider.OPENROUTER), body);
        step("signed webhook delivered", "POST " + callback + " -> " + first);
        int second = post(callback, Provider.OPENROUTER, stack.webhookSecret(Provider.OPENROUTER), body);
        step("same delivery again", "-> " + second + " (duplicate, recorded once)");
        int forged = post(callback, Provider.OPENROUTER, "not-the-secret", body.replace(jobId, jobId + "_forged"));
        step("forged signature", "-> " + forged + " (nothing written)");
        HttpResponse<String> job = get(URI.create(stack.apiBase() + "/jobs/" + jobId));
        step("recorded job", "GET /jobs/" + jobId + " -> " + job.statusCode());
        OUT.println(job.body());
        return first == 204 && second == 204 && forged == 401 && job.statusCode() == 200 ? 0 : 1;
      }
    }
  }

  @Command(name = "serve", description = "Starts the stack and keeps it up until Ctrl-C.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "${env:PORT:-3000}", description = "Webhook server port (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws Exception {
      LocalStack stack;
      try {
        stack = LocalStack.start(port, System.getenv());
      } catch (BindException e) {
        System.err.println("Port " + port + " is in use. Stop what uses it, or pick another: -Dexec.args=\"serve --port 3001\"");
        return 2;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
      OUT.println("videohook local stack is up (Ctrl-C to stop)");
      for (Provider provider : Provider.values()) {
        OUT.printf("  %-10s webhook  POST %s   (tenant $default)%n", provider.id(), stack.callbackUrl("$default", provider));
        OUT.printf("  %-10s webhook  POST %s   (tenant acme)%n", provider.id(), stack.callbackUrl("acme", provider));
        OUT.printf("  %-10s secret   %s%n", provider.id(),
            stack.usesDefaultSecret(provider) ? LocalStack.DEFAULT_SECRET + " (default; set " + provider.webhookSecretEnv() + " to change)" : "from " + provider.webhookSecretEnv());
      }
      OUT.println("  jobs               GET  " + stack.apiBase() + "/jobs   and   GET " + stack.apiBase() + "/jobs/{id}");
      OUT.println("  DynamoDB Local          " + stack.dynamoDbEndpoint() + "   table " + LocalStack.TABLE);
      OUT.println();
      OUT.println("Try the provider guide's sender against it:");
      OUT.println("  OPENROUTER_WEBHOOK_SECRET=" + (stack.usesDefaultSecret(Provider.OPENROUTER) ? LocalStack.DEFAULT_SECRET : "...")
          + " node send-test-webhook.mjs   # prints 204");
      new CountDownLatch(1).await();
      return 0;
    }
  }

  static String completedEvent(String jobId) throws java.io.IOException {
    return JSON.std.asString(
        Map.of(
            "type", "video.generation.completed",
            "created_at", Instant.now().toString(),
            "data", Map.of(
                "id", jobId,
                "status", "completed",
                "model", "google/veo-3.1-lite",
                "unsigned_urls", java.util.List.of("https://example.com/" + jobId + ".mp4"),
                "usage", Map.of("cost", 0.4, "is_byok", false))));
  }

  static int post(URI url, Provider provider, String secret, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .header("Content-Type", "application/json")
            .header(provider.signatureHeader(), SignatureVerifier.signatureHeader(secret, Instant.now().getEpochSecond(), bytes))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static HttpResponse<String> get(URI url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void step(String what, String detail) {
    OUT.printf("==> %-26s %s%n", what, detail);
  }
}
