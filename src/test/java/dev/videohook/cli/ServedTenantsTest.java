package dev.videohook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.cli.CliStack.Run;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command that takes {@code -t} refuses a tenant the stack does not serve, before it does
 * anything (exit 2), naming the tenants it serves and how to add one, locally and on AWS.
 */
class ServedTenantsTest {
  /** The local stack's settings as serve writes them, as far as the tenant check reads them. */
  private static final Map<String, String> LOCAL =
      Map.of(
          "VIDEOHOOK_TENANTS",
          "acme,demo",
          "DOWNLOAD_ALLOW_LOOPBACK_HTTP",
          "true",
          // a loopback API base, as serve's (trigger's local-stack check); nothing is sent to it
          "OPENROUTER_API_BASE",
          "http://127.0.0.1:9/api/v1");

  /** A deployed stack's: no local switch. */
  private static final Map<String, String> DEPLOYED = Map.of("VIDEOHOOK_TENANTS", "acme,demo");

  static Stream<String> commandsWithAMistypedTenant() {
    return Stream.of(
        "trigger failed -t acmee",
        "send-test -t acmee",
        "send-test -p modelgates -t acmee",
        "submit -p openrouter -t acmee --model google/veo-3.1-lite --prompt lamp --duration 4",
        "jobs -t acmee",
        "costs -t acmee",
        "status job-1 -t acmee",
        "url job-1 -t acmee",
        "replay job-1 -t acmee");
  }

  /** The local product's command line: the production commands, and trigger. */
  private static Run run(Map<String, String> env, String command) {
    return CliStack.runLocal(env, command.split(" "));
  }

  @ParameterizedTest
  @MethodSource("commandsWithAMistypedTenant")
  void tenantTheLocalStackDoesNotServe_isRefused_withTheServedOnesAndHowToAddOne(String command) {
    Run run = run(LOCAL, command);

    assertEquals(ExitCode.USAGE, run.exitCode(), run.err());
    assertEquals("", run.out());
    String err = run.err();
    assertTrue(err.contains("tenant 'acmee' is not served by the local stack"), err);
    assertTrue(err.contains("it serves acme, demo (and $default"), err);
    assertTrue(err.contains("restart serve with VIDEOHOOK_TENANTS=acme,demo,acmee"), err);
    assertTrue(err.contains("Tenants parameter") && err.contains("docs/deploy.md"), err);
  }

  @Test
  void tenantADeployedStackDoesNotServe_isRefused_theAwsStepFirst() {
    Run run = run(DEPLOYED, "jobs -t acmee");

    assertEquals(ExitCode.USAGE, run.exitCode(), run.err());
    assertTrue(
        run.err()
            .contains(
                "tenant 'acmee' is not served by this stack: it serves acme, demo"
                    + " (VIDEOHOOK_TENANTS). To add a tenant: on AWS, add it to the stack's"
                    + " Tenants parameter (sam deploy --parameter-overrides"
                    + " Tenants=acme,demo,acmee)"),
        run.err());
  }

  @Test
  void defaultTenant_isServedLocally_notByADeployedStack() {
    // past the tenant check: the command then stops at its missing table (exit 3), not at -t
    assertEquals(ExitCode.CONFIGURATION, run(LOCAL, "jobs").exitCode());
    assertEquals(ExitCode.USAGE, run(DEPLOYED, "jobs").exitCode());
  }

  @Test
  void tenantTheStackServes_passesTheCheck() {
    Run run = run(LOCAL, "jobs -t acme");

    assertEquals(ExitCode.CONFIGURATION, run.exitCode(), run.err());
    assertTrue(run.err().contains("JOBS_TABLE"), run.err());
  }

  @Test
  void withoutTheServedTenantsSetting_noTenantIsRefusedHere() {
    Run run = run(Map.of("DOWNLOAD_ALLOW_LOOPBACK_HTTP", "true"), "jobs -t acmee");

    assertEquals(ExitCode.CONFIGURATION, run.exitCode(), run.err());
  }
}
