package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.cli.VideohookCli;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.provider.Provider;
import java.io.ByteArrayOutputStream;
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
import java.util.Map;
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
    LocalPorts ports = ServeFixture.freePorts();
    Path file = dir.resolve("local.env");
    for (int run = 1; run <= RESTARTS; run++) {
      try (LocalVideohook stack = ServeFixture.serve(ports, file, new ByteArrayOutputStream())) {
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
    try (LocalVideohook stack =
        ServeFixture.serve(LocalPorts.any(0), dir.resolve("local.env"), banner)) {
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
}
