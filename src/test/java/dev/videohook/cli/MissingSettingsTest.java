package dev.videohook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.cli.CliStack.Run;
import dev.videohook.local.LoopbackPort;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A shell without the stack's settings loaded: every command that needs them names all that are
 * missing in one answer, exits 3, and says how to load them, for the local and a deployed stack.
 */
class MissingSettingsTest {
  static Stream<Arguments> commands() {
    return Stream.of(
        Arguments.of(List.of("jobs"), List.of("JOBS_TABLE")),
        Arguments.of(List.of("costs"), List.of("JOBS_TABLE")),
        Arguments.of(List.of("status", "job_x"), List.of("JOBS_TABLE")),
        Arguments.of(List.of("url", "job_x"), List.of("JOBS_TABLE")),
        Arguments.of(List.of("replay", "job_x"), List.of("JOBS_TABLE", "VIDEO_BUCKET")),
        Arguments.of(List.of("redrive"), List.of("JOBS_TABLE", "VIDEO_BUCKET")),
        Arguments.of(List.of("redrive", "--dry-run"), List.of("JOBS_TABLE")),
        Arguments.of(List.of("reconcile"), List.of("JOBS_TABLE")),
        Arguments.of(
            List.of(
                "submit", "-p", "openrouter", "-t", "acme", "--model", "m", "--prompt", "a lamp"),
            List.of("OPENROUTER_API_KEY", "JOBS_TABLE", "VIDEOHOOK_API_URL")),
        Arguments.of(
            List.of("trigger", "failed"),
            List.of(
                "OPENROUTER_API_BASE",
                "DOWNLOAD_ALLOW_LOOPBACK_HTTP",
                "VIDEOHOOK_API_URL",
                "OPENROUTER_API_KEY",
                "JOBS_TABLE",
                "DYNAMODB_ENDPOINT")));
  }

  @ParameterizedTest
  @MethodSource("commands")
  void everyMissingSetting_isNamedAtOnce_withHowToLoadThem(List<String> args, List<String> names) {
    // the local product's command line: the production commands, and trigger
    Run run = CliStack.runLocal(new HashMap<>(), args.toArray(String[]::new));

    assertEquals(3, run.exitCode(), run.err());
    String error = run.err();
    assertEquals(1, error.lines().filter(l -> l.startsWith("error:")).count(), error);
    for (String name : names) {
      assertTrue(error.contains(name), name + " in: " + error);
    }
    assertTrue(error.contains("set -a; . target/local.env; set +a"), error);
    assertTrue(error.contains("videohook env --stack NAME > stack.env"), error);
  }

  @Test
  void submitWithTheTableSet_stillNamesEveryOtherMissingSettingAtOnce() {
    Map<String, String> env = new HashMap<>();
    env.put("JOBS_TABLE", "videohook-jobs");
    env.put("DYNAMODB_ENDPOINT", "http://127.0.0.1:" + LoopbackPort.free());

    Run run =
        CliStack.run(
            env, "submit", "-p", "openrouter", "-t", "acme", "--model", "m", "--prompt", "a");

    assertEquals(3, run.exitCode(), run.err());
    assertTrue(run.err().contains("not set: OPENROUTER_API_KEY, VIDEOHOOK_API_URL."), run.err());
    assertTrue(run.err().contains("videohook env --stack NAME > stack.env"), run.err());
    assertTrue(run.err().contains("export OPENROUTER_API_KEY="), run.err());
  }

  @Test
  void aMissingApiKeyAlone_saysToExportIt_notToLoadTheStacksSettings() {
    Map<String, String> env = new HashMap<>();
    env.put("JOBS_TABLE", "videohook-jobs");
    env.put("DYNAMODB_ENDPOINT", "http://127.0.0.1:" + LoopbackPort.free());
    env.put("VIDEOHOOK_API_URL", "https://api.example.com/prod");

    Run run =
        CliStack.run(
            env, "submit", "-p", "openrouter", "-t", "acme", "--model", "m", "--prompt", "a");

    assertEquals(3, run.exitCode(), run.err());
    assertTrue(run.err().contains("export OPENROUTER_API_KEY="), run.err());
    assertTrue(!run.err().contains("stack.env"), run.err());
  }

  @Test
  void anUnreachableStack_namesTheSettingsFileTheShellLoaded() {
    Map<String, String> env = unreachable();
    env.put("VIDEOHOOK_SETTINGS_FILE", "target/local-3001.env");

    Run run = CliStack.run(env, "jobs");

    assertEquals(3, run.exitCode(), run.err());
    assertTrue(run.err().contains("is the local stack running?"), run.err());
    assertTrue(run.err().contains("from target/local-3001.env"), run.err());
  }

  @Test
  void anUnreachableStack_saysWhenNoSettingsFileWasLoaded() {
    Run run = CliStack.run(unreachable(), "jobs");

    assertEquals(3, run.exitCode(), run.err());
    assertTrue(run.err().contains("no settings file was loaded"), run.err());
  }

  /** Settings that name a local stack nobody runs: a port nothing listens on. */
  private static Map<String, String> unreachable() {
    Map<String, String> env = new HashMap<>();
    env.put("JOBS_TABLE", "videohook-jobs");
    env.put("DYNAMODB_ENDPOINT", "http://127.0.0.1:" + LoopbackPort.free());
    return env;
  }
}
