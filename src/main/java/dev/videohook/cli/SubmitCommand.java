package dev.videohook.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.config.SharedConfig;
import dev.videohook.egress.UrlPolicy;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStore;
import dev.videohook.provider.CallbackUrls;
import dev.videohook.provider.InputReference;
import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderClient;
import dev.videohook.provider.SubmitRequest;
import dev.videohook.provider.SubmittedJob;
import dev.videohook.provider.Tenants;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
          + " --callback-url overrides it. Needs the provider's API key"
          + " (<PROVIDER>_API_KEY) and JOBS_TABLE.",
      "Before any credit is spent, the options are checked against the request schema and"
          + " against what the model supports (`videohook models`); --no-check skips the latter."
    })
final class SubmitCommand implements Callable<Integer> {
  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Mixin ProviderOption providerOption;

  @Option(
      names = {"-t", "--tenant"},
      defaultValue = Tenants.DEFAULT,
      description =
          "Tenant (API stage) whose callback URL is used: lowercase letters and digits, as"
              + " template.yaml allows (default: ${DEFAULT-VALUE}, the local stack's only).")
  String tenant;

  @Option(
      names = "--model",
      required = true,
      description = "Video model slug, e.g. google/veo-3.1-lite")
  String model;

  @Option(
      names = "--prompt",
      description =
          "What to generate. Optional for a model that works from images (or a video) alone:"
              + " then give --first-frame, --input-reference or --previous-job-id.")
  String prompt;

  @Option(
      names = "--duration",
      paramLabel = "SECONDS",
      description = "Clip length in seconds (see `videohook models`).")
  Integer duration;

  @Option(names = "--resolution", description = "One of 360p 480p 720p 768p 1080p 1K 2K 4K.")
  String resolution;

  @Option(
      names = "--aspect-ratio",
      paramLabel = "W:H",
      description = "One of 16:9 9:16 1:1 4:3 3:4 3:2 2:3 21:9 9:21.")
  String aspectRatio;

  @Option(
      names = "--size",
      paramLabel = "WxH",
      description = "Frame size in pixels, e.g. 1280x720, instead of resolution and aspect ratio.")
  String size;

  @Option(names = "--seed", description = "Seed, for models that take one.")
  Long seed;

  @Option(
      names = {"--audio", "--generate-audio"},
      negatable = true,
      description =
          "Ask for an audio track, or --no-audio for none: the provider adds (and bills) audio"
              + " by default on models that can make it, so --no-audio sends generate_audio=false.")
  Boolean generateAudio;

  @Option(
      names = "--creativity",
      paramLabel = "LEVEL",
      description = "Creativity level, for upscaling models (see `videohook models`).")
  Integer creativity;

  @Option(
      names = "--upscale-factor",
      paramLabel = "FACTOR",
      description = "Upscale factor (> 0), for upscaling models, within the model's range.")
  Double upscaleFactor;

  @Option(
      names = "--input-reference",
      paramLabel = "[KIND=]URL",
      description =
          "Reference asset to guide the generation (repeatable): an image URL, or image=URL,"
              + " audio=URL, video=URL. --first-frame/--last-frame win when both are given.")
  List<String> inputReferences = List.of();

  @Option(
      names = "--previous-job-id",
      paramLabel = "JOB_ID",
      description = "A completed job to edit or extend (continues it on the same model).")
  String previousJobId;

  @Option(
      names = "--session-id",
      paramLabel = "ID",
      description = "Groups related requests in the provider's logs (at most 256 characters).")
  String sessionId;

  @Option(
      names = "--user",
      paramLabel = "ID",
      description = "Your end user's id, for the provider's logs (never sent upstream).")
  String user;

  @Option(
      names = "--first-frame",
      paramLabel = "IMAGE_URL",
      description = "Image the video starts from.")
  String firstFrame;

  @Option(
      names = "--last-frame",
      paramLabel = "IMAGE_URL",
      description = "Image the video ends on.")
  String lastFrame;

  @Option(
      names = "--no-check",
      description =
          "Do not check the options against the model's published capabilities"
              + " (GET /videos/models) before submitting.")
  boolean noCheck;

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
      description = "Provider API base URL (default: <PROVIDER>_API_BASE, else the provider's).")
  URI apiBase;

  @Option(names = "--no-record", description = "Do not record the job in JOBS_TABLE.")
  boolean noRecord;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    // before anything is paid for: AWS would answer a tenant with no stage 404, after the
    // generation; and before the missing settings, as a mistyped tenant is the first thing to fix
    checkTenants();
    // every setting this submit needs that is missing, named at once, before anything is sent
    List<String> needed = new ArrayList<>(List.of(providerOption.provider.apiKeyEnv()));
    if (!noRecord) {
      needed.add(SharedConfig.JOBS_TABLE);
    }
    if (callbackUrl == null) {
      needed.add(CliEnvironment.API_URL);
    }
    cli.env.requireStack(
        Map.of(CliEnvironment.API_URL, "--callback-url (the receiver's URL for its webhook)"),
        needed.toArray(String[]::new));
    URI callback = callbackUrl();
    checkDefaultTenant(callback);
    Map<String, Object> extra = extraFields();
    SubmitRequest request =
        new SubmitRequest(
            model,
            prompt,
            duration,
            resolution,
            aspectRatio,
            size,
            seed,
            generateAudio,
            firstFrame,
            lastFrame,
            callback,
            extra,
            new SubmitRequest.More(
                creativity, upscaleFactor, inputReferences(), previousJobId, sessionId, user));
    SubmitOptions options = new SubmitOptions(request, fields);
    options.checkSchema();
    ProviderClient client = cli.env.providerClient(providerOption.provider, apiBase);
    // check the table setting before spending credits on a job we could not record
    JobStore store = noRecord ? null : cli.env.jobStore();
    if (!noCheck) {
      options.checkModel(client, spec.commandLine().getErr());
    }
    SubmittedJob job;
    try {
      job = client.submit(request);
    } catch (ProviderApiException e) {
      throw new CliException(ExitCode.FAILED, e.getMessage());
    }
    out.printf(
        "submitted   %s job %s (status %s)%n",
        providerOption.provider.id(), job.id(), job.status());
    out.printf("callback    %s%n", callback);
    if (job.pollingUrl() != null) {
      // the provider's example answers with a path on the API's origin
      out.printf("polling     %s%n", absolute(client.apiBase(), job.pollingUrl()));
    }
    if (store != null) {
      store.recordSubmitted(
          new JobKey(tenant, providerOption.provider, job.id()), model, prompt, Instant.now());
      out.printf("recorded    pending in %s (tenant %s)%n", store.tableName(), tenant);
    }
    return ExitCode.OK;
  }

  private static String absolute(URI apiBase, String pollingUrl) {
    try {
      return apiBase.resolve(pollingUrl).toString();
    } catch (IllegalArgumentException notAUri) {
      return pollingUrl;
    }
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

  private void checkDefaultTenant(URI callback) {
    if (tenant.equals(Tenants.DEFAULT)
        && (callback.getHost() == null || !UrlPolicy.isLoopback(callback.getHost()))) {
      throw new CliException(
          ExitCode.USAGE,
          "give the tenant with -t: a deployed API has no $default tenant (its webhooks would be"
              + " refused after the generation is paid for)");
    }
  }

  private void checkTenants() {
    if (!tenant.equals(Tenants.DEFAULT) && !Tenants.isDeployable(tenant)) {
      String suggestion = Tenants.suggestion(tenant);
      throw new CliException(
          ExitCode.USAGE,
          "tenant '"
              + tenant
              + "' cannot be deployed: a tenant name is "
              + Tenants.DEPLOYABLE_RULE
              + " (template.yaml, Tenants)"
              + (suggestion == null ? "" : "; did you mean '" + suggestion + "'?"));
    }
    ServedTenants.check(cli.env, tenant);
  }

  /** {@code URL} (an image) or {@code KIND=URL}. */
  private List<InputReference> inputReferences() {
    List<InputReference> references = new java.util.ArrayList<>();
    for (String given : inputReferences) {
      int eq = given.indexOf('=');
      String kind = eq > 0 ? given.substring(0, eq) : "";
      Optional<InputReference.Kind> named = InputReference.Kind.named(kind);
      if (named.isPresent()) {
        references.add(new InputReference(named.get(), given.substring(eq + 1)));
      } else {
        references.add(new InputReference(InputReference.Kind.IMAGE, given));
      }
    }
    return references;
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
