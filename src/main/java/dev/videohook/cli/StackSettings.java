package dev.videohook.cli;

import dev.videohook.config.LocalMode;
import dev.videohook.config.SharedConfig;
import dev.videohook.download.DownloadConfig;
import dev.videohook.provider.Provider;
import dev.videohook.provider.Tenants;
import dev.videohook.reconcile.ReconcileConfig;
import dev.videohook.secrets.SecretsManagerTenantSecrets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.Region;

/**
 * The command line's settings for a deployed stack, from its CloudFormation outputs and parameters:
 * the same variable names as the local stack's {@code target/local.env}, so that either file is
 * loaded the same way ({@code set -a; . stack.env; set +a}).
 */
record StackSettings(String stack, Region region, Map<String, String> variables) {
  /** The outputs of template.yaml the settings are made of: output name to variable. */
  static final Map<String, String> OUTPUTS =
      Map.of(
          "JobsTableName", SharedConfig.JOBS_TABLE,
          "VideoBucketName", DownloadConfig.VIDEO_BUCKET,
          "FailedBatchBucketName", RedriveCommand.FAILED_BATCH_BUCKET,
          "WebhookApiUrl", CliEnvironment.API_URL,
          "TenantSecretsPrefix", SecretsManagerTenantSecrets.TENANT_SECRETS_PREFIX);

  /**
   * Parameters of template.yaml the CLI reads too, when the stack has them: parameter name to
   * variable.
   */
  static final Map<String, String> PARAMETERS =
      Map.of(
          "OpenRouterApiBase",
          Provider.OPENROUTER.apiBaseEnv(),
          "ModelGatesApiBase",
          Provider.MODELGATES.apiBaseEnv(),
          "ReconcileMinAgeSeconds",
          ReconcileConfig.RECONCILE_MIN_AGE_SECONDS,
          "ReconcileDeadlineSeconds",
          ReconcileConfig.RECONCILE_DEADLINE_SECONDS,
          "Tenants",
          Tenants.SERVED_ENV);

  /** What a shell can take unquoted after {@code NAME=}. */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:,@%+=-]*");

  /**
   * The settings of {@code stack} in {@code region}.
   *
   * @throws CliException (exit code 3) naming the stack, its Region and every output it lacks
   */
  static StackSettings of(
      String stack,
      Region region,
      String status,
      Map<String, String> outputs,
      Map<String, String> parameters) {
    List<String> missing = new ArrayList<>();
    for (String output : new TreeSet<>(OUTPUTS.keySet())) {
      String value = outputs.get(output);
      if (value == null || value.isBlank()) {
        missing.add(output);
      }
    }
    if (!missing.isEmpty()) {
      throw new CliException(
          ExitCode.CONFIGURATION,
          "stack "
              + stack
              + " in "
              + region.id()
              + " ("
              + status
              + ") has no output "
              + String.join(", ", missing)
              + ": is it a videohook stack, deployed from this version's template.yaml"
              + " (sam deploy), and did its deploy complete?");
    }
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put(SharedConfig.AWS_REGION, region.id());
    vars.put(SharedConfig.JOBS_TABLE, outputs.get("JobsTableName"));
    // the local stack's endpoints and switch, emptied: a shell that loaded target/local.env
    // before talks to AWS after loading this file
    vars.put(SharedConfig.DYNAMODB_ENDPOINT, "");
    vars.put(SharedConfig.S3_ENDPOINT, "");
    vars.put(DownloadConfig.VIDEO_BUCKET, outputs.get("VideoBucketName"));
    vars.put(LocalMode.LOOPBACK_HTTP, "");
    vars.put(CliEnvironment.API_URL, outputs.get("WebhookApiUrl"));
    for (Provider provider : Provider.values()) {
      vars.put(provider.apiBaseEnv(), "");
      // the stack's signing secrets are in Secrets Manager (smoke reads them there); the local
      // stack's dev_secret must not be sent to it
      vars.put(provider.webhookSecretEnv(), "");
    }
    PARAMETERS.forEach(
        (parameter, variable) -> {
          String value = parameters.get(parameter);
          if (value != null && !value.isBlank()) {
            vars.put(variable, value);
          }
        });
    vars.put(SecretsManagerTenantSecrets.TENANT_SECRETS_PREFIX, outputs.get("TenantSecretsPrefix"));
    vars.put(RedriveCommand.FAILED_BATCH_BUCKET, outputs.get("FailedBatchBucketName"));
    return new StackSettings(stack, region, vars);
  }

  /** The file {@code videohook env} prints: comments, then one {@code NAME=value} a line. */
  String text() {
    StringBuilder text = new StringBuilder();
    text.append("# videohook stack ")
        .append(stack)
        .append(" in ")
        .append(region.id())
        .append(" (videohook env): the command line's settings.\n");
    text.append("# Load them with: set -a; . stack.env; set +a  (a fresh shell is best).\n");
    text.append(
        "# Empty values unset the local stack's settings (target/local.env). API keys are\n");
    text.append(
        "# not written: export yours, or let replay and redrive read the stack's secrets.\n");
    variables.forEach(
        (name, value) -> text.append(name).append('=').append(quoted(value)).append('\n'));
    return text.toString();
  }

  /** A value as a POSIX shell reads it back unchanged. */
  static String quoted(String value) {
    return PLAIN.matcher(value).matches() ? value : "'" + value.replace("'", "'\\''") + "'";
  }
}
