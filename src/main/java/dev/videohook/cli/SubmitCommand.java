package dev.videohook.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStore;
import dev.videohook.provider.CallbackUrls;
import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderClient;
import dev.videohook.provider.SubmitRequest;
import dev.videohook.provider.SubmittedJob;
import dev.videohook.provider.Tenants;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Submits a video job with a callback URL and records it as pending.",
      "The callback URL is derived from VIDEOHOOK_API_URL, the tenant and the provider;"
          + " --callback-url overrides it. Needs the provider's API key (OPENROUTER_API_KEY or"
          + " MODELGATES_API_KEY) and JOBS_TABLE."
    })
final class SubmitCommand implements Callable<Integer> {
  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Mixin ProviderOption providerOption;

  @Option(
      names = {"-t", "--tenant"},
      defaultValue = Tenants.DEFAULT,
      description = "Tenant (API stage) whose callback URL is used (default: ${DEFAULT-VALUE}).")
  String tenant;

  @Option(
      names = "--model",
      required = true,
      description = "Video model slug, e.g. google/veo-3.1-lite")
  String model;

  @Option(names = "--prompt", required = true, description = "What to generate.")
  String prompt;

  @Option(names = "--duration", description = "Clip length in seconds.")
  Integer duration;

  @Option(names = "--resolution", description = "e.g. 720p")
  String resolution;

  @Option(names = "--aspect-ratio", description = "e.g. 16:9")
  String aspectRatio;

  @Option(names = "--generate-audio", negatable = true, description = "Ask for an audio track.")
  Boolean generateAudio;

  @Option(
      names = "--callback-url",
      description = "Use this callback URL instead of the derived one.")
  URI callbackUrl;

  @Option(
      names = {"-f", "--field"},
      description =
          "Extra request field name=value, passed through (value parsed as JSON when it is JSON).")
  List<String> fields = List.of();

  @Option(
      names = "--api-base",
      description =
          "Provider API base URL (default: the provider's, or OPENROUTER_API_BASE / MODELGATES_API_BASE).")
  URI apiBase;

  @Option(names = "--no-record", description = "Do not record the job in JOBS_TABLE.")
  boolean noRecord;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    URI callback = callbackUrl();
    Map<String, Object> extra = extraFields();
    ProviderClient client = cli.env.providerClient(providerOption.provider, apiBase);
    // check the table setting before spending credits on a job we could not record
    JobStore store = noRecord ? null : cli.env.jobStore();
    SubmittedJob job;
    try {
      job =
          client.submit(
              new SubmitRequest(
                  model,
                  prompt,
                  duration,
                  resolution,
                  aspectRatio,
                  generateAudio,
                  callback,
                  extra));
    } catch (ProviderApiException e) {
      throw new CliException(ExitCode.FAILED, e.getMessage());
    }
    out.printf(
        "submitted   %s job %s (status %s)%n",
        providerOption.provider.id(), job.id(), job.status());
    out.printf("callback    %s%n", callback);
    if (job.pollingUrl() != null) {
      out.printf("polling     %s%n", job.pollingUrl());
    }
    if (store != null) {
      store.recordSubmitted(
          new JobKey(tenant, providerOption.provider, job.id()), model, prompt, Instant.now());
      out.printf("recorded    pending in %s (tenant %s)%n", store.tableName(), tenant);
    }
    return ExitCode.OK;
  }

  private URI callbackUrl() {
    URI url = callbackUrl;
    if (url == null) {
      URI api =
          CliEnvironment.uri(
              CliEnvironment.API_URL,
              cli.env.require(
                  CliEnvironment.API_URL,
                  "Set it to the deployed API's URL (stack output WebhookApiUrl), or pass --callback-url."));
      url = CallbackUrls.forTenant(api, tenant, providerOption.provider);
    }
    try {
      return CallbackUrls.requireSecure(url);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCode.USAGE, e.getMessage());
    }
  }

  private Map<String, Object> extraFields() {
    Map<String, Object> extra = new LinkedHashMap<>();
    for (String field : fields) {
      int eq = field.indexOf('=');
      if (eq <= 0) {
        throw new CliException(
            ExitCode.USAGE, "--field takes name=value, e.g. --field seed=42; got '" + field + "'");
      }
      extra.put(field.substring(0, eq), jsonOrText(field.substring(eq + 1)));
    }
    return extra;
  }

  private static Object jsonOrText(String value) {
    try {
      Object parsed = JSON.std.anyFrom(value);
      return parsed == null ? value : parsed;
    } catch (IOException notJson) {
      return value;
    }
  }
}
