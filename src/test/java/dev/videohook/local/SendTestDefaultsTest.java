package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videohook.cli.VideohookCli;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.provider.Provider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code send-test} with serve's settings loaded and nothing else (or only a provider and a
 * tenant), as the README gives it: its event points at the provider's content endpoint, which the
 * simulated provider serves, so the job ends stored.
 */
class SendTestDefaultsTest {
  private static LocalVideohook stack;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalVideohook.start(0, Map.of());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  private static void sendTest(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        VideohookCli.run(
            args,
            LocalEnvFile.variables(stack),
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertEquals(0, code, err.toString());
    assertEquals("204", out.toString().strip());
  }

  @Test
  void sendTestWithNoOption_endsStored() throws Exception {
    sendTest("send-test");

    Job job = awaitSettled(new JobKey("$default", Provider.OPENROUTER, "job_test"));
    assertEquals(JobStatus.STORED, job.status(), String.valueOf(job.download().lastError()));
  }

  @Test
  void sendTestForModelGatesAndTenantAcme_endsStored() throws Exception {
    sendTest("send-test", "-p", "modelgates", "-t", "acme");

    Job job = awaitSettled(new JobKey("acme", Provider.MODELGATES, "job_test"));
    assertEquals(JobStatus.STORED, job.status(), String.valueOf(job.download().lastError()));
  }

  /** The job once it leaves completed (stored or download_failed), or as it is after 60 s. */
  private static Job awaitSettled(JobKey key) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    Optional<Job> job = stack.jobStore().find(key);
    while (Instant.now().isBefore(deadline)
        && (job.isEmpty() || job.get().status() == JobStatus.COMPLETED)) {
      Thread.sleep(100);
      job = stack.jobStore().find(key);
    }
    return job.orElseThrow();
  }
}
