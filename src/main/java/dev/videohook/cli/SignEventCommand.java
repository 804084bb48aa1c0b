package dev.videohook.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import com.fasterxml.jackson.jr.ob.JSONObjectException;
import dev.videohook.provider.Provider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "sign-event",
    mixinStandardHelpOptions = true,
    description = {
      "Re-signs an API Gateway event (events/*.json) with the current time, for sam local invoke.",
      "A stored signature goes stale after the 300 s tolerance. The body is left byte for byte.",
      "The secret is --secret, else the provider's <PROVIDER>_WEBHOOK_SECRET, else"
          + " dev_secret (the one target/sam-local/env.json and the local stack use).",
      "  videohook sign-event events/openrouter-completed.json -o target/signed.json",
      "  sam local invoke WebhookFunction -e target/signed.json"
    })
final class SignEventCommand implements Callable<Integer> {
  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "EVENT_FILE",
      description = "An API Gateway HTTP API (payload 2.0) event.")
  Path eventFile;

  @Option(
      names = "--secret",
      description =
          "Signing secret (default: the provider's *_WEBHOOK_SECRET variable, else dev_secret).")
  String secret;

  @Option(
      names = {"-o", "--output"},
      description = "Write here instead of standard output.")
  Path output;

  @Override
  public Integer call() throws IOException {
    Map<String, Object> event;
    try {
      event = JSON.std.mapFrom(Files.readAllBytes(eventFile));
    } catch (NoSuchFileException e) {
      throw new CliException(ExitCode.USAGE, "no such file: " + eventFile);
    } catch (JSONObjectException e) {
      // the parser's own message would name its input source ("Source: REDACTED"): keep its reason
      throw new CliException(
          ExitCode.USAGE, eventFile + " is not a JSON object: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new CliException(ExitCode.USAGE, eventFile + " is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new CliException(
          ExitCode.USAGE, "cannot read " + eventFile + " (" + e.getClass().getSimpleName() + ")");
    }
    String path =
        event.get("rawPath") instanceof String raw ? raw : String.valueOf(event.get("routeKey"));
    Provider provider =
        Provider.fromWebhookPath(path)
            .orElseThrow(
                () ->
                    new CliException(
                        ExitCode.USAGE,
                        eventFile
                            + ": rawPath '"
                            + path
                            + "' is not a webhook path /{provider}/video-webhook (provider: "
                            + Provider.ids()
                            + ")"));
    if (!(event.get("body") instanceof String body)
        || !(event.get("headers") instanceof Map<?, ?> rawHeaders)) {
      throw new CliException(
          ExitCode.USAGE,
          eventFile + " has no body or no headers: is it an API Gateway HTTP API event?");
    }
    byte[] raw =
        Boolean.TRUE.equals(event.get("isBase64Encoded"))
            ? Base64.getDecoder().decode(body)
            : body.getBytes(StandardCharsets.UTF_8);
    String signingSecret =
        secret != null
            ? secret
            : cli.env.get(provider.webhookSecretEnv()).orElse(SendTestCommand.LOCAL_SECRET);
    @SuppressWarnings("unchecked")
    Map<String, Object> headers = (Map<String, Object>) rawHeaders;
    headers.keySet().removeIf(name -> name.equalsIgnoreCase(provider.signatureHeader()));
    headers.put(
        provider.signatureHeader().toLowerCase(Locale.ROOT),
        provider.sign(signingSecret, Instant.now().getEpochSecond(), raw));
    String json =
        JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(event) + System.lineSeparator();
    if (output != null) {
      Path folder = output.toAbsolutePath().getParent();
      if (folder != null && !Files.isDirectory(folder)) {
        throw new CliException(
            ExitCode.USAGE,
            "-o "
                + output
                + ": the folder "
                + folder
                + " does not exist; create it first (mkdir -p) or write elsewhere");
      }
      Files.writeString(output, json);
      spec.commandLine().getErr().println("wrote " + output);
    } else {
      spec.commandLine().getOut().print(json);
      spec.commandLine().getOut().flush();
    }
    return ExitCode.OK;
  }
}
