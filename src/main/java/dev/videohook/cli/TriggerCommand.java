package dev.videohook.cli;

import dev.videohook.config.LocalMode;
import dev.videohook.config.SharedConfig;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStore;
import dev.videohook.net.UrlPolicy;
import dev.videohook.provider.CallbackUrls;
import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderClient;
import dev.videohook.provider.SubmitRequest;
import dev.videohook.provider.SubmittedJob;
import dev.videohook.provider.Tenants;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "trigger",
    mixinStandardHelpOptions = true,
    description = {
      "Local stack only: submits a job to the simulated provider with a fault, records it pending,"
          + " and says what to expect. The fault travels in the submit request, which only the"
          + " simulator reads; the command refuses to run unless the local switch"
          + " (DOWNLOAD_ALLOW_LOOPBACK_HTTP=true) and a loopback API base say this is the local"
          + " stack (load serve's target/local.env).",
      "failed, cancelled, expired: the provider reports it; slow: a late webhook and a throttled"
          + " download, then stored; truncated: the video is cut off at each try, download_failed"
          + " once the retries are spent; lost-webhook: no webhook, stored once the reconciler"
          + " looks it up; throttled: the same, the reconciler's first look-up answered 429, so"
          + " recovered on its next check."
    })
final class TriggerCommand implements Callable<Integer> {
  /** What {@code videohook trigger NAME} promises, the job state it ends in first. */
  record Trigger(String name, String endsIn, String expect) {}

  static final List<Trigger> TRIGGERS =
      List.of(
          new Trigger(
              "failed",
              "failed",
              "its webhook arrives in about a second and the job ends failed, the provider's"
                  + " reason recorded"),
          new Trigger(
              "cancelled", "cancelled", "its webhook arrives in about a second: job cancelled"),
          new Trigger(
              "expired",
              "expired",
              "its webhook arrives in about a second: job expired (the provider gave up)"),
          new Trigger(
              "slow",
              "stored",
              "its webhook arrives after 3 s, then a 24 MiB video downloads at 2 MiB/s (its"
                  + " progress on serve's console): stored after about 15 s"),
          new Trigger(
              "truncated",
              "download_failed",
              "completed, then each download is cut off halfway: download_failed once the"
                  + " stream's retries are spent, the reason recorded"),
          new Trigger(
              "lost-webhook",
              "stored",
              "no webhook ever comes: pending until the reconciler looks it up (serve runs it"
                  + " every RECONCILE_INTERVAL_SECONDS for jobs older than"
                  + " RECONCILE_MIN_AGE_SECONDS; `videohook reconcile` runs one pass now), then"
                  + " stored"),
          new Trigger(
              "throttled",
              "stored",
              "no webhook, and the provider answers the reconciler's first look-up 429: the job"
                  + " stays pending (the reconciler notes the 429: `videohook status ID` shows it as"
                  + " reconcile_last_outcome) and is looked at again 10 minutes later, then"
                  + " recovered and stored"));

  /** The names, for the help text and shell completion. */
  static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return TRIGGERS.stream().map(Trigger::name).iterator();
    }
  }

  /** The simulator's submit field (see the local stack's simulator). */
  static final String SIMULATE_FIELD = "videohook_simulate";

  static final String MODEL = "google/veo-3.1-lite";

  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      completionCandidates = Names.class,
      paramLabel = "FAULT",
      description = "One of: ${COMPLETION-CANDIDATES}.")
  String name;

  @Mixin DefaultProviderOption providerOption;

  @Option(
      names = {"-t", "--tenant"},
      defaultValue = Tenants.DEFAULT,
      description = "Tenant whose callback URL is used (default: ${DEFAULT-VALUE}).")
  String tenant;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Trigger trigger =
        TRIGGERS.stream()
            .filter(t -> t.name().equals(name))
            .findFirst()
            .orElseThrow(
                () ->
                    new CliException(
                        ExitCode.USAGE,
                        "no trigger '"
                            + name
                            + "': one of "
                            + String.join(", ", new Names())
                            + " (see videohook trigger --help)"));
    if (!tenant.equals(Tenants.DEFAULT) && !Tenants.isDeployable(tenant)) {
      throw new CliException(
          ExitCode.USAGE, "tenant '" + tenant + "' is not valid: " + Tenants.DEPLOYABLE_RULE);
    }
    if (!cli.env.hasJobTable()) {
      // the local stack's settings are not loaded: every one trigger needs, named at once
      cli.env.requireStack(
          providerOption.provider.apiBaseEnv(),
          LocalMode.LOOPBACK_HTTP,
          CliEnvironment.API_URL,
          providerOption.provider.apiKeyEnv(),
          SharedConfig.JOBS_TABLE,
          SharedConfig.DYNAMODB_ENDPOINT);
    }
    URI base = localApiBase();
    ServedTenants.check(cli.env, tenant); // after: only the local stack's tenants are asked about
    URI api =
        CliEnvironment.uri(
            CliEnvironment.API_URL,
            cli.env.require(
                CliEnvironment.API_URL,
                "Set it to the local stack's URL: load the settings serve writes (set -a; ."
                    + " target/local.env; set +a)."));
    URI callback = CallbackUrls.forTenant(api, tenant, providerOption.provider);
    ProviderClient client = cli.env.providerClient(providerOption.provider, base);
    JobStore store = cli.env.jobStore();
    SubmittedJob job;
    try {
      job =
          client.submit(
              new SubmitRequest(
                  MODEL,
                  "videohook trigger " + trigger.name(),
                  null,
                  null,
                  null,
                  null,
                  callback,
                  Map.of(SIMULATE_FIELD, trigger.name())));
    } catch (ProviderApiException e) {
      throw new CliException(ExitCode.FAILED, e.getMessage());
    }
    store.recordSubmitted(
        new JobKey(tenant, providerOption.provider, job.id()),
        MODEL,
        "videohook trigger " + name,
        Instant.now());
    out.println(job.id());
    PrintWriter err = spec.commandLine().getErr();
    err.printf(
        "triggered %s: %s job %s (tenant %s), recorded pending%n",
        trigger.name(), providerOption.provider.id(), job.id(), tenant);
    err.printf("expect: %s%n", trigger.expect());
    err.printf("follow it: videohook status %s (or the jobs page)%n", job.id());
    return ExitCode.OK;
  }

  /**
   * The simulated provider's API base: the command must never send its fault field, or a job, to a
   * real provider.
   */
  private URI localApiBase() {
    URI base = cli.env.apiBase(providerOption.provider, null);
    if (!cli.env.localMode() || base.getHost() == null || !UrlPolicy.isLoopback(base.getHost())) {
      throw new CliException(
          ExitCode.CONFIGURATION,
          "trigger works against the local stack only ("
              + providerOption.provider.apiBaseEnv()
              + " is "
              + UrlPolicy.redacted(base)
              + "): start it with mvn -q -Plocal -Dexec.args=serve and load the settings it"
              + " writes: set -a; . target/local.env; set +a");
    }
    return base;
  }
}
