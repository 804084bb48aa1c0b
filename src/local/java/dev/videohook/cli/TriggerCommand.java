package dev.videohook.cli;

import dev.videohook.config.LocalMode;
import dev.videohook.config.SharedConfig;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStore;
import dev.videohook.egress.UrlPolicy;
import dev.videohook.provider.CallbackUrls;
import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderClient;
import dev.videohook.provider.SubmitRequest;
import dev.videohook.provider.SubmittedJob;
import dev.videohook.provider.Tenants;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.Faults.Trigger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code videohook trigger}: the local product's command (src/local), never in the production
 * command line or a Lambda artifact. {@link LocalCli} adds it to the production commands.
 */
@Command(
    name = "trigger",
    mixinStandardHelpOptions = true,
    description = {
      "Local stack only: submits a job to the simulated provider with a fault, records it pending,"
          + " and says what to expect. The fault travels in the submit request, which only the"
          + " simulator reads; the command refuses to run unless the local switch"
          + " (DOWNLOAD_ALLOW_LOOPBACK_HTTP=true) and a loopback API base say this is the local"
          + " stack (load serve's target/local.env)."
    })
final class TriggerCommand implements Callable<Integer> {
  /** The names, for the help text and shell completion: {@link Trigger}'s. */
  static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Trigger.ids().iterator();
    }
  }

  static final String MODEL = "google/veo-3.1-lite";

  /** The command's help: the paragraph above, then what each trigger promises, from {@link Trigger}. */
  static CommandLine commandLine() {
    CommandLine line = new CommandLine(new TriggerCommand());
    UsageMessageSpec usage = line.getCommandSpec().usageMessage();
    List<String> description = new ArrayList<>(List.of(usage.description()));
    description.add("");
    for (Trigger trigger : Trigger.values()) {
      description.add(trigger.id() + ": " + trigger.expect() + ".");
    }
    usage.description(description.toArray(String[]::new));
    return line;
  }

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
        Trigger.named(name)
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
    // in local mode (the only one trigger runs in: localApiBase below), a tenant the stack does not
    // serve is a typo, said first, before any missing setting; outside it, the refusal comes first
    if (cli.env.localMode()) {
      ServedTenants.check(cli.env, tenant);
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
                  "videohook trigger " + trigger.id(),
                  null,
                  null,
                  null,
                  null,
                  callback,
                  Map.of(Faults.SUBMIT_FIELD, trigger.id())));
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
        trigger.id(), providerOption.provider.id(), job.id(), tenant);
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
