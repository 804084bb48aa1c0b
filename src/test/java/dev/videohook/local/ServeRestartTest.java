package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.cli.VideohookCli;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.provider.Provider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serve stopped and started again at once, on the same ports, right after connections to every
 * server of the stack were made: the server side of each connection it closed is left in TIME_WAIT
 * on those ports, which the next start must reuse, never answer with a stack trace.
 */
class ServeRestartTest {
  private static final int RESTARTS = 3;

  @TempDir Path dir;

  @Test
  void serve_restartsBackToBack_onTheSamePorts_rightAfterConnections() throws Exception {
    LocalPorts ports = freePorts();
    Path file = dir.resolve("local.env");
    for (int run = 1; run <= RESTARTS; run++) {
      try (LocalVideohook stack = serve(ports, file, new ByteArrayOutputStream())) {
        assertEquals(ports.api(), stack.apiBase().getPort(), "run " + run);
        assertEquals(ports.moto(), stack.dynamoDbEndpoint().getPort(), "run " + run);
        assertEquals(ports.s3(), stack.s3Endpoint().getPort(), "run " + run);
        assertEquals(
            ports.simulatorCdn(Provider.OPENROUTER),
            stack.simulator(Provider.OPENROUTER).cdnBase().getPort(),
            "run " + run);
        connectToEveryServer(stack, file, "job_restart_" + run);
      }
    }
  }

  @Test
  void theBanner_saysLocalStateLivesInMemory_andEndsWithTheStack() throws Exception {
    ByteArrayOutputStream banner = new ByteArrayOutputStream();
    try (LocalVideohook stack = serve(LocalPorts.any(0), dir.resolve("local.env"), banner)) {
      assertNotNull(stack.apiBase());
      String printed = banner.toString(StandardCharsets.UTF_8);
      assertTrue(
          printed.contains(
              "local state (jobs, videos, secrets, events) lives in memory: stopping the stack"
                  + " ends it"),
          printed);
    }
  }

  /**
   * A webhook whose job is downloaded from the simulated CDN into the local S3 (the API server,
   * moto, moto's S3 and the CDN each take connections), then the jobs page and the job read back.
   */
  private static void connectToEveryServer(LocalVideohook stack, Path file, String jobId)
      throws Exception {
    Map<String, String> env = LocalEnvFile.read(file);
    String sample = stack.simulator(Provider.OPENROUTER).sampleVideoUrl().toString();
    StringWriter out = new StringWriter();
    int code =
        VideohookCli.run(
            new String[] {
              "send-test", "-p", "openrouter", "--job-id", jobId, "--unsigned-url", sample
            },
            env,
            new PrintWriter(out, true),
            new PrintWriter(out, true));
    assertEquals(0, code, out.toString());
    JobKey key = new JobKey("$default", Provider.OPENROUTER, jobId);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)
        && stack.jobStore().find(key).map(j -> j.status() != JobStatus.STORED).orElse(true)) {
      Thread.sleep(100);
    }
    assertEquals(JobStatus.STORED, stack.jobStore().find(key).orElseThrow().status());
    HttpClient client = HttpClient.newHttpClient();
    for (String path : new String[] {"/", "/jobs", "/jobs/" + jobId, "/events"}) {
      HttpResponse<String> page =
          client.send(
              HttpRequest.newBuilder(URI.create(stack.apiBase() + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode(), path);
    }
  }

  private static LocalVideohook serve(LocalPorts ports, Path file, ByteArrayOutputStream out)
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
      int base = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
      boolean free = true;
      for (int i = 0; i <= 6 && free; i++) {
        free = LoopbackPort.preferred(base + i) == base + i;
      }
      if (free) {
        return new LocalPorts(base + 6, base, base + 1, base + 2);
      }
    }
    throw new IOException("no seven free ports in a row");
  }
}
