package dev.videohook.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.event.EventType;
import dev.videohook.event.SampleEvents;
import dev.videohook.provider.Provider;
import dev.videohook.signature.SignatureVerifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "send-test",
    mixinStandardHelpOptions = true,
    description = {
      "Signs a test event the way the provider does and POSTs it to a webhook URL; prints the HTTP status.",
      "The secret comes from --secret, else OPENROUTER_WEBHOOK_SECRET / MODELGATES_WEBHOOK_SECRET."
    })
final class SendTestCommand implements Callable<Integer> {
  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Option(
      names = {"-p", "--provider"},
      defaultValue = "openrouter",
      converter = ProviderConverter.class,
      description = "openrouter or modelgates (default: ${DEFAULT-VALUE})")
  Provider provider;

  @Option(
      names = "--url",
      description =
          "Webhook URL (default: http://127.0.0.1:3000/{provider}/video-webhook, the local stack).")
  URI url;

  @Option(
      names = "--secret",
      description = "Signing secret (default: from the provider's *_WEBHOOK_SECRET variable).")
  String secret;

  @Option(
      names = "--status",
      defaultValue = "completed",
      description = "completed, failed, cancelled or expired (default: ${DEFAULT-VALUE})")
  String status;

  @Option(
      names = "--job-id",
      defaultValue = "job_test",
      description = "data.id (default: ${DEFAULT-VALUE})")
  String jobId;

  @Option(
      names = "--unsigned-url",
      description =
          "data.unsigned_urls entry for a completed event (default: none, so the content endpoint is used).")
  List<String> unsignedUrls = List.of();

  @Override
  public Integer call() throws Exception {
    EventType terminal =
        EventType.fromStatus(status.toLowerCase(Locale.ROOT))
            .orElseThrow(
                () ->
                    new CliException(
                        ExitCode.USAGE,
                        "--status must be completed, failed, cancelled or expired; got '"
                            + status
                            + "'"));
    String signingSecret =
        secret != null
            ? secret
            : cli.env.require(
                provider.webhookSecretEnv(),
                "Set it to the webhook signing secret, or pass --secret.");
    URI target = url != null ? url : URI.create("http://127.0.0.1:3000" + provider.webhookPath());
    byte[] body = JSON.std.asBytes(SampleEvents.terminal(terminal, jobId, unsignedUrls));
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header(
                provider.signatureHeader(),
                SignatureVerifier.signatureHeader(
                    signingSecret, Instant.now().getEpochSecond(), body))
            .header(provider.idempotencyHeader(), jobId + "-" + terminal.status())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    int code;
    try {
      code =
          HttpClient.newHttpClient()
              .send(request, HttpResponse.BodyHandlers.discarding())
              .statusCode();
    } catch (IOException e) {
      throw new CliException(
          ExitCode.FAILED,
          "cannot reach "
              + target
              + " ("
              + e.getClass().getSimpleName()
              + "). Is the receiver running? Start one with: mvn -q -Plocal -Dexec.args=serve");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(code);
    return code / 100 == 2 ? ExitCode.OK : ExitCode.FAILED;
  }
}
