package dev.videohook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.cli.CliStack.Run;
import dev.videohook.local.MotoServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/**
 * {@code videohook env}: the command line's settings for a deployed stack, read from its outputs on
 * CloudFormation (moto's), for a stack whose outputs are template.yaml's.
 */
class EnvCommandTest {
  private static final Region REGION = Region.EU_WEST_1;
  private static final String STACK = "videohook-prod";

  /** What the deployed stack's outputs hold, by output name. */
  private static final Map<String, String> VALUES =
      Map.of(
          "JobsTableName", "videohook-prod-JobsTable-1ABC",
          "VideoBucketName", "videohook-prod-videobucket-2def",
          "FailedBatchBucketName", "videohook-prod-failedbatchbucket-3ghi",
          "WebhookApiUrl", "https://a1b2c3.execute-api.eu-west-1.amazonaws.com",
          "TenantSecretsPrefix", "videohook-prod");

  private static MotoServer moto;
  private static CloudFormationClient cloudFormation;

  @BeforeAll
  static void startCloudFormation() throws Exception {
    moto = MotoServer.start();
    cloudFormation =
        MotoServer.configure(CloudFormationClient.builder(), moto.endpoint())
            .region(REGION)
            .build();
    createStack(STACK, templateOutputs(), true);
  }

  @AfterAll
  static void stop() {
    if (cloudFormation != null) {
      cloudFormation.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @Test
  void env_shouldPrintTheStacksSettingsUnderTheLocalFilesNames() {
    Run run = env(STACK, "--region", REGION.id());

    assertEquals(0, run.exitCode(), run.err());
    Map<String, String> vars = variables(run.out());
    assertEquals(REGION.id(), vars.get("AWS_REGION"));
    assertEquals(VALUES.get("JobsTableName"), vars.get("JOBS_TABLE"));
    assertEquals(VALUES.get("VideoBucketName"), vars.get("VIDEO_BUCKET"));
    assertEquals(VALUES.get("WebhookApiUrl"), vars.get("VIDEOHOOK_API_URL"));
    assertEquals(VALUES.get("FailedBatchBucketName"), vars.get("FAILED_BATCH_BUCKET"));
    assertEquals(VALUES.get("TenantSecretsPrefix"), vars.get("TENANT_SECRETS_PREFIX"));
    assertEquals("https://openrouter.ai/api/v1", vars.get("OPENROUTER_API_BASE"));
    assertEquals("900", vars.get("RECONCILE_MIN_AGE_SECONDS"));
    assertEquals("demo,acme", vars.get("VIDEOHOOK_TENANTS"), "a mistyped -t is refused");
  }

  @Test
  void env_shouldEmptyTheLocalStacksEndpointsSwitchAndSigningSecrets() {
    Map<String, String> vars = variables(env(STACK, "--region", REGION.id()).out());

    for (String local :
        List.of(
            "DYNAMODB_ENDPOINT",
            "S3_ENDPOINT",
            "DOWNLOAD_ALLOW_LOOPBACK_HTTP",
            "OPENROUTER_WEBHOOK_SECRET",
            "MODELGATES_WEBHOOK_SECRET")) {
      assertEquals("", vars.get(local), local + " must be written empty");
    }
  }

  @Test
  void env_shouldTakeTheRegionFromAwsRegion_whenNotGiven() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_REGION", REGION.id());

    Run run =
        CliStack.run(env, "env", "--stack", STACK, "--endpoint-url", moto.endpoint().toString());

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(VALUES.get("JobsTableName"), variables(run.out()).get("JOBS_TABLE"));
  }

  @Test
  void env_shouldBeLoadedByAPosixShellAsWritten(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("stack.env");
    Files.writeString(file, env(STACK, "--region", REGION.id()).out(), StandardCharsets.UTF_8);

    Process shell =
        new ProcessBuilder(
                "sh",
                "-c",
                "DYNAMODB_ENDPOINT=http://127.0.0.1:4566; set -a; . \"$0\"; set +a;"
                    + " printf '%s|%s|%s' \"$JOBS_TABLE\" \"$VIDEOHOOK_API_URL\""
                    + " \"${DYNAMODB_ENDPOINT-unset}\"",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String printed = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(shell.waitFor(30, TimeUnit.SECONDS));

    assertEquals(VALUES.get("JobsTableName") + "|" + VALUES.get("WebhookApiUrl") + "|", printed);
  }

  @Test
  void env_ofAStackNotInTheRegion_shouldNameTheStackAndRegion_andPrintNothing() {
    Run run = env("videohook-nope", "--region", REGION.id());

    assertEquals(ExitCode.CONFIGURATION, run.exitCode());
    assertEquals("", run.out());
    assertTrue(
        run.err().contains("no stack videohook-nope in eu-west-1"), "names stack and Region");
  }

  @Test
  void env_ofAStackInAnotherRegion_shouldNotFindIt() {
    Run run = env(STACK, "--region", "us-west-2");

    assertEquals(ExitCode.CONFIGURATION, run.exitCode());
    assertTrue(run.err().contains("no stack " + STACK + " in us-west-2"), run.err());
  }

  @Test
  void env_ofAStackWithoutTheOutputs_shouldNameEachMissingOutput_andPrintNothing() {
    createStack("not-videohook", List.of("JobsTableName"), false);

    Run run = env("not-videohook", "--region", REGION.id());

    assertEquals(ExitCode.CONFIGURATION, run.exitCode());
    assertEquals("", run.out());
    assertTrue(
        run.err()
            .contains(
                "stack not-videohook in eu-west-1 (CREATE_COMPLETE) has no output"
                    + " FailedBatchBucketName, TenantSecretsPrefix, VideoBucketName,"
                    + " WebhookApiUrl"),
        run.err());
  }

  @Test
  void template_shouldDeclareEveryOutputAndParameterEnvReads() throws Exception {
    assertTrue(
        templateOutputs().containsAll(StackSettings.OUTPUTS.keySet()),
        "template.yaml's Outputs lack some of " + StackSettings.OUTPUTS.keySet());
    assertTrue(
        topLevelKeys("Parameters").containsAll(StackSettings.PARAMETERS.keySet()),
        "template.yaml's Parameters lack some of " + StackSettings.PARAMETERS.keySet());
  }

  private static Run env(String stack, String... more) {
    List<String> args = new ArrayList<>(List.of("env", "--stack", stack));
    args.addAll(List.of(more));
    args.addAll(List.of("--endpoint-url", moto.endpoint().toString()));
    return CliStack.run(Map.of(), args.toArray(String[]::new));
  }

  /**
   * A stack on moto with {@code outputs} (a value each, from {@link #VALUES} or made up) and, when
   * asked, the template's parameters env reads, with template.yaml's defaults: resources that do
   * nothing (moto's CloudFormation does not model the real template's).
   */
  private static void createStack(String name, List<String> outputs, boolean parameters) {
    StringBuilder body = new StringBuilder();
    if (parameters) {
      body.append("Parameters:\n");
      body.append(
          "  OpenRouterApiBase:\n    Type: String\n    Default: https://openrouter.ai/api/v1\n");
      body.append(
          "  ModelGatesApiBase:\n    Type: String\n    Default: https://modelgates.ai/api/v1\n");
      body.append("  ReconcileMinAgeSeconds:\n    Type: Number\n    Default: 900\n");
      body.append("  ReconcileDeadlineSeconds:\n    Type: Number\n    Default: 86400\n");
      body.append("  Tenants:\n    Type: CommaDelimitedList\n    Default: demo,acme\n");
    }
    body.append("Resources:\n  Handle:\n    Type: AWS::CloudFormation::WaitConditionHandle\n");
    body.append("Outputs:\n");
    for (String output : outputs) {
      body.append("  ")
          .append(output)
          .append(":\n    Value: \"")
          .append(VALUES.getOrDefault(output, "value-of-" + output))
          .append("\"\n");
    }
    cloudFormation.createStack(r -> r.stackName(name).templateBody(body.toString()));
  }

  /** The names of template.yaml's outputs (the per-tenant callback URLs, a ForEach, left out). */
  private static List<String> templateOutputs() throws Exception {
    return topLevelKeys("Outputs").stream().filter(k -> !k.startsWith("Fn::ForEach")).toList();
  }

  /** The keys one level inside a top-level section of template.yaml. */
  private static List<String> topLevelKeys(String section) throws Exception {
    List<String> keys = new ArrayList<>();
    boolean inside = false;
    for (String line : Files.readAllLines(Path.of("template.yaml"))) {
      if (!line.startsWith(" ") && !line.startsWith("#") && !line.isBlank()) {
        inside = line.equals(section + ":");
      } else if (inside && line.matches("^  [A-Za-z][A-Za-z0-9:]*:.*")) {
        keys.add(line.substring(2, line.indexOf(':', line.startsWith("  Fn::") ? 6 : 2)));
      }
    }
    return keys;
  }

  /** The {@code NAME=value} lines of what env printed (values unquoted as a shell would). */
  private static Map<String, String> variables(String text) {
    Map<String, String> vars = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        String value = line.substring(eq + 1);
        if (value.startsWith("'") && value.endsWith("'")) {
          value = value.substring(1, value.length() - 1).replace("'\\''", "'");
        }
        vars.put(line.substring(0, eq), value);
      }
    }
    return vars;
  }
}
