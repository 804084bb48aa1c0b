package dev.videohook.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.egress.UrlPolicy;
import dev.videohook.event.EventType;
import dev.videohook.event.SampleEvents;
import dev.videohook.provider.CallbackUrls;
import dev.videohook.provider.Provider;
import dev.videohook.provider.Tenants;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "send-test",
    mixinStandardHelpOptions = true,
    description = {
      "Signs a test event the way the provider does and POSTs it to a tenant's webhook URL; prints"
          + " the HTTP status (a 401 or 404 is explained on standard error).",
      "The URL is --url, else VIDEOHOOK_API_URL with the tenant and provider, else the local"
          + " stack's. The secret comes from --secret, else the provider's"
          + " <PROVIDER>_WEBHOOK_SECRET, else (to this machine only) the local stack's dev_secret."
    })
final class SendTestCommand implements Callable<Integer> {
  /** The local stack's address and signing secret, as serve mode starts it by default. */
  static final URI LOCAL_STACK = URI.create("http://127.0.0.1:3000");

  static final String LOCAL_SECRET = "dev_secret";

  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Mixin DefaultProviderOption providerOption;

  @Option(
      names = {"-t", "--tenant"},
      defaultValue = Tenants.DEFAULT,
      description = "Tenant (API stage) whose webhook URL is used (default: ${DEFAULT-VALUE}).")
  String tenant;

  @Option(
      names = "--url",
      description =
          "Webhook URL (default: from VIDEOHOOK_API_URL, the tenant and the provider; without it"
              + " the local stack's, http://127.0.0.1:3000).")
  URI url;

  @Option(
      names = "--secret",
      description = "Signing secret (default: from the provider's *_WEBHOOK_SECRET variable).")
  String secret;

  @Option(
      names = "--status",
      defaultValue = "completed",
      completionCandidates = EventType.Statuses.class,
      description = "One of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  String status;

  @Option(
      names = "--job-id",
      defaultValue = SampleEvents.TEST_JOB_ID,
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
                        "--status must be one of "
                            + String.join(", ", new EventType.Statuses())
                            + "; got '"
                            + status
                            + "'"));
    if (url == null) {
      // with --url the tenant is not in the URL: the receiver at that URL decides
      ServedTenants.check(cli.env, tenant);
    }
    URI target = target();
    String signingSecret = signingSecret(target);
    byte[] body = JSON.std.asBytes(SampleEvents.terminal(terminal, jobId, unsignedUrls));
    int code =
        SignedPost.send(
            target,
            providerOption.provider,
            signingSecret,
            jobId + "-" + terminal.status(),
            body,
            ". Is the receiver running? Start one with: mvn -q -Plocal -Dexec.args=serve");
    PrintWriter out = spec.commandLine().getOut();
    out.println(code);
    explain(code, target).ifPresent(spec.commandLine().getErr()::println);
    return code / 100 == 2 ? ExitCode.OK : ExitCode.FAILED;
  }

  private URI target() {
    if (url != null) {
      return url;
    }
    URI api =
        cli.env
            .get(CliEnvironment.API_URL)
            .map(text -> CliEnvironment.uri(CliEnvironment.API_URL, text))
            .orElse(LOCAL_STACK);
    return CallbackUrls.forTenant(api, tenant, providerOption.provider);
  }

  private String signingSecret(URI target) {
    if (secret != null) {
      return secret;
    }
    Optional<String> fromEnv = cli.env.get(providerOption.provider.webhookSecretEnv());
    if (fromEnv.isPresent()) {
      return fromEnv.get();
    }
    if (target.getHost() != null && UrlPolicy.isLoopback(target.getHost())) {
      return LOCAL_SECRET;
    }
    return cli.env.require(
        providerOption.provider.webhookSecretEnv(),
        "Set it to the signing secret of tenant "
            + tenant
            + " for "
            + providerOption.provider.id()
            + ", or pass"
            + " --secret.");
  }

  /** What a refusal means and what to check: the receiver's answer never says why. */
  private Optional<String> explain(int code, URI target) {
    String where = "tenant " + tenant + " and provider " + providerOption.provider.id();
    return switch (code) {
      case 401 ->
          Optional.of(
              "401: the receiver refused the signature. The secret used ("
                  + (secret != null ? "--secret" : providerOption.provider.webhookSecretEnv())
                  + ") is not one it holds for "
                  + where
                  + ": in AWS the secret {TenantSecretsPrefix}/"
                  + tenant
                  + "/"
                  + providerOption.provider.id()
                  + "/webhook; for the local stack, serve mode's "
                  + providerOption.provider.webhookSecretEnv()
                  + ". Also check this machine's clock: a signature more than 300 s off is"
                  + " refused.");
      case 404 ->
          Optional.of(
              "404: nothing answers "
                  + target.getPath()
                  + ". Check the stage (-t "
                  + tenant
                  + ": it must be one of the stack's Tenants) and the path"
                  + " /{tenant}/{provider}/video-webhook (provider: "
                  + Provider.ids()
                  + "), or the API URL"
                  + " (VIDEOHOOK_API_URL or --url).");
      case 503 ->
          Optional.of(
              "503: the receiver has no signing secret for "
                  + where
                  + " yet: store it (docs/operations.md, Add a tenant).");
      default -> Optional.empty();
    };
  }
}
