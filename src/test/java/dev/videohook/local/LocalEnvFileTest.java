package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.cli.VideohookCli;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.provider.Provider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serve mode's settings file: loaded alone into the command line's environment, every command works
 * against the stack; the stack on its stable ports writes the same file after a restart.
 */
class LocalEnvFileTest {
  @TempDir Path dir;

  record Run(int exitCode, String out, String err) {}

  @Test
  void theFileAlone_makesEveryCommandWork_andSurvivesARestart() throws Exception {
    Path file = dir.resolve("local.env");
    LocalPorts ports = freePorts();
    ByteArrayOutputStream banner = new ByteArrayOutputStream();
    Map<String, String> first;
    try (LocalVideohook stack = serve(ports, file, banner)) {
      first = LocalEnvFile.read(file);
      assertEquals(stack.dynamoDbEndpoint().toString(), first.get("DYNAMODB_ENDPOINT"));
    }
    String printed = banner.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("  set -a; . " + file + "; set +a"), printed);

    try (LocalVideohook stack = serve(ports, file, new ByteArrayOutputStream())) {
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
          "submit",
          "-p",
          "openrouter",
          "-t",
          "acme",
          "--model",
          "google/veo-3.1-lite",
          "--prompt",
          "a desk lamp");
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
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = VideohookCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    Run run = new Run(code, out.toString(), err.toString());
    assertEquals(0, code, String.join(" ", args) + ": " + run.err() + run.out());
    return run;
  }

  private LocalVideohook serve(LocalPorts ports, Path file, ByteArrayOutputStream out)
      throws IOException {
    LocalMain.Serve serve = new LocalMain.Serve();
    serve.port = ports.api();
    serve.quiet = true;
    serve.ports = ports;
    serve.envFile = file;
    LocalVideohook stack =
        serve.start(new HashMap<>(), new PrintStream(out, true, StandardCharsets.UTF_8), false);
    assertNotNull(stack, "serve refused port " + ports.api());
    return stack;
  }

  /** Ports nothing listens on now (the simulators take four in a row, the API server the next). */
  private static LocalPorts freePorts() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      // below Linux's ephemeral range, which outgoing connections take from
      int base = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12_000);
      boolean free = true;
      for (int i = 1; i <= 6 && free; i++) {
        free = LoopbackPort.preferred(base + i) == base + i;
      }
      if (free) {
        return new LocalPorts(base + 6, base, base + 1, base + 2);
      }
    }
    throw new IOException("no seven free ports in a row");
  }

  private static Job awaitSettled(LocalVideohook stack, JobKey key) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    Optional<Job> job = stack.jobStore().find(key);
    while (Instant.now().isBefore(deadline)
        && (job.isEmpty() || job.get().status() != JobStatus.STORED)) {
      Thread.sleep(100);
      job = stack.jobStore().find(key);
    }
    return job.orElseThrow();
  }
}
