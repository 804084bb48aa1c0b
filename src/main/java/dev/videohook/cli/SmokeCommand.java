package dev.videohook.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.config.SharedConfig;
import dev.videohook.event.EventType;
import dev.videohook.event.SampleEvents;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.provider.CallbackUrls;
import dev.videohook.provider.Provider;
import dev.videohook.secrets.TenantSecrets;
import java.io.PrintWriter;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "smoke",
    mixinStandardHelpOptions = true,
    description = {
      "After a deploy: sends one signed test event (a failed job, so nothing is downloaded) to a"
          + " tenant's webhook URL, checks the 204 and the job the receiver recorded in the jobs"
          + " table, then deletes what it wrote (the job item and its delivery item).",
      "Needs the stack's settings (videohook env --stack NAME > stack.env; set -a; . stack.env;"
          + " set +a): VIDEOHOOK_API_URL, JOBS_TABLE, and the tenant's signing secret, read from"
          + " Secrets Manager under TENANT_SECRETS_PREFIX (or --secret, or the provider's"
          + " *_WEBHOOK_SECRET without a prefix). The notify function publishes the test job's"
          + " Video Generation Failed event like any other (its id starts smoke_).",
      "Exit code 0 when every check passed, 1 when one failed (the message says which), 3 for a"
          + " missing setting."
    })
final class SmokeCommand implements Callable<Integer> {
  /** Where a smoke test's job ids start: what tells its downstream event from a real one. */
  static final String JOB_ID_PREFIX = "smoke_";

  private static final SecureRandom RANDOM = new SecureRandom();

  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Mixin DefaultProviderOption providerOption;

  @Option(
      names = {"-t", "--tenant"},
      required = true,
      description = "The tenant (API stage) whose webhook URL is tested.")
  String tenant;

  @Option(
      names = "--secret",
      description =
          "Signing secret (default: the tenant's, from Secrets Manager under"
              + " TENANT_SECRETS_PREFIX; without a prefix, the provider's *_WEBHOOK_SECRET).")
  String secret;

  @Override
  public Integer call() throws Exception {
    Provider provider = providerOption.provider;
    checkSettings();
    URI api = CliEnvironment.uri(CliEnvironment.API_URL, cli.env.get(CliEnvironment.API_URL).get());
    URI target = CallbackUrls.forTenant(api, tenant, provider);
    JobStore store = cli.env.jobStore();
    String signingSecret = signingSecret(provider);

    JobKey job = new JobKey(tenant, provider, JOB_ID_PREFIX + HexFormat.of().formatHex(bytes(8)));
    EventType sent = EventType.FAILED;
    String dedupeKey = job.jobId() + "-" + sent.status();
    byte[] body = JSON.std.asBytes(SampleEvents.terminal(sent, job.jobId(), List.of()));
    PrintWriter out = spec.commandLine().getOut();
    try {
      int code = post(target, provider, signingSecret, dedupeKey, body);
      out.println("POST " + target + ": " + code);
      if (code != 204) {
        throw new CliException(ExitCode.FAILED, refusal(code, target, provider));
      }
      Optional<Job> recorded = store.find(job);
      if (recorded.isEmpty()) {
        throw new CliException(
            ExitCode.FAILED,
            "the API answered 204, but "
                + SharedConfig.JOBS_TABLE
                + " "
                + store.tableName()
                + " has no job "
                + job
                + ": do JOBS_TABLE and VIDEOHOOK_API_URL belong to the same stack? (videohook env"
                + " writes both)");
      }
      JobStatus status = recorded.get().status();
      if (status != JobStatus.FAILED) {
        throw new CliException(
            ExitCode.FAILED,
            "job " + job + " was recorded " + status.value() + ", not failed as it was sent");
      }
      out.println("job " + job + " recorded in " + store.tableName() + ": " + status.value());
    } finally {
      // whatever the answer, nothing of the test stays in the table
      store.delete(job, List.of(dedupeKey));
      out.println("deleted job " + job + " and its delivery item");
      out.flush();
    }
    out.println("smoke test passed: tenant " + tenant + ", provider " + provider.id());
    return ExitCode.OK;
  }

  /** Every setting the test needs, named together when missing; then the table's reachability. */
  private void checkSettings() {
    List<String> missing =
        List.of(CliEnvironment.API_URL, SharedConfig.JOBS_TABLE).stream()
            .filter(name -> cli.env.get(name).isEmpty())
            .toList();
    if (!missing.isEmpty()) {
      throw new CliException(
          ExitCode.CONFIGURATION,
          String.join(", ", missing)
              + (missing.size() == 1 ? " is" : " are")
              + " not set. Load the stack's settings: videohook env --stack NAME > stack.env;"
              + " set -a; . stack.env; set +a (the local stack: target/local.env).");
    }
    cli.env.checkJobTable();
  }

  private String signingSecret(Provider provider) {
    if (secret != null) {
      return secret;
    }
    List<String> secrets =
        TenantSecrets.fromEnvironment(cli.env.variables()).webhookSecrets(tenant, provider);
    if (secrets.isEmpty()) {
      throw new CliException(
          ExitCode.CONFIGURATION,
          "no signing secret for tenant "
              + tenant
              + " and "
              + provider.id()
              + ": store it in {TenantSecretsPrefix}/"
              + tenant
              + "/"
              + provider.id()
              + "/webhook (docs/operations.md, Add a tenant), or pass --secret.");
    }
    return secrets.get(0);
  }

  private int post(URI target, Provider provider, String key, String dedupeKey, byte[] body)
      throws InterruptedException {
    return SignedPost.send(
        target,
        provider,
        key,
        dedupeKey,
        body,
        ": check VIDEOHOOK_API_URL (the stack output WebhookApiUrl).");
  }

  /** Why the receiver said no, and what to check: its answer never says why. */
  private String refusal(int code, URI target, Provider provider) {
    String where = "tenant " + tenant + " and " + provider.id();
    return switch (code) {
      case 401 ->
          "401: the receiver refused the signature: the secret used is not the one it holds for "
              + where
              + " ({TenantSecretsPrefix}/"
              + tenant
              + "/"
              + provider.id()
              + "/webhook), or this machine's clock is more than 300 s off.";
      case 404 ->
          "404: nothing answers "
              + target.getPath()
              + ": is "
              + tenant
              + " one of the stack's Tenants, and VIDEOHOOK_API_URL the stack's WebhookApiUrl?";
      case 503 ->
          "503: the receiver has no signing secret for "
              + where
              + " yet: store it (docs/operations.md, Add a tenant).";
      default -> code + ": expected 204; the webhook function's log says why.";
    };
  }

  private static byte[] bytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
