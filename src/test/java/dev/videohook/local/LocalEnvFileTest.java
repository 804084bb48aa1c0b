package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.cli.CliStack;
import dev.videohook.cli.CliStack.Run;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.provider.Provider;
import dev.videohook.testing.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serve mode's settings file: loaded alone into the command line's environment, every command works
 * against the stack; the stack on its stable ports writes the same file after a restart.
 */
class LocalEnvFileTest {
  @TempDir Path dir;

  @Test
  void theFileAlone_makesEveryCommandWork_andSurvivesARestart() throws Exception {
    Path file = dir.resolve("local.env");
    LocalPorts ports = ServeFixture.freePorts();
    ByteArrayOutputStream banner = new ByteArrayOutputStream();
    Map<String, String> first;
    try (LocalVideohook stack = ServeFixture.serve(ports, file, banner)) {
      first = LocalEnvFile.read(file);
      assertEquals(stack.dynamoDbEndpoint().toString(), first.get("DYNAMODB_ENDPOINT"));
    }
    String printed = banner.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("  set -a; . " + file + "; set +a"), printed);

    try (LocalVideohook stack = ServeFixture.serve(ports, file, new ByteArrayOutputStream())) {
      Map<String, String> env = LocalEnvFile.read(file);
      assertEquals(first, env, "the same settings after a restart");
      assertEquals(ports.moto(), stack.dynamoDbEndpoint().getPort());
      assertEquals(ports.s3(), stack.s3Endpoint().getPort());

      String sample = stack.simulator(Provider.OPENROUTER).sampleVideoUrl().toString();
      ok(env, "send-test", "-p", "openrouter", "--job-id", "job_env", "--unsigned-url", sample);
      JobKey key = new JobKey("$default", Provider.OPENROUTER, "job_env");
      assertEquals(JobStatus.STORED, awaitSettled(stack, key).status());
      assertTrue(ok(env, "status", "job_env").out().contains("stored"));
      assertTrue(ok(env, "jobs").out().contains("job_env"));
      ok(env, "costs", "-t", "$default");
      assertTrue(ok(env, "url", "job_env").out().contains(env.get("S3_ENDPOINT")));
      ok(env, "replay", "job_env");
      ok(
          env,
          CliStack.submitArgs(
              "-t", "acme", "--model", "google/veo-3.1-lite", "--prompt", "a desk lamp"));
      ok(env, "reconcile");
      ok(env, "redrive", "--dry-run");
    }
  }

  @Test
  void aTakenDefaultPort_givesWayToAFreeOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertNotEquals(port, LoopbackPort.preferred(port));
    }
  }

  private static Run ok(Map<String, String> env, String... args) {
    Run run = CliStack.run(env, args);
    assertEquals(0, run.exitCode(), String.join(" ", args) + ": " + run.err() + run.out());
    return run;
  }

  private static Job awaitSettled(LocalVideohook stack, JobKey key) throws InterruptedException {
    return LocalStackExtension.awaitStored(stack, key);
  }
}
