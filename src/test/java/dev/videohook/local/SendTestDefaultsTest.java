package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videohook.cli.CliStack;
import dev.videohook.cli.CliStack.Run;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.provider.Provider;
import dev.videohook.testing.LocalStackExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code send-test} with serve's settings loaded and nothing else (or only a provider and a
 * tenant), as the README gives it: its event points at the provider's content endpoint, which the
 * simulated provider serves, so the job ends stored.
 */
class SendTestDefaultsTest {
  @RegisterExtension static final LocalStackExtension local = new LocalStackExtension();

  private static void sendTest(String... args) {
    Run run = CliStack.run(LocalEnvFile.variables(local.stack()), args);
    assertEquals(0, run.exitCode(), run.err());
    assertEquals("204", run.out().strip());
  }

  @Test
  void sendTestWithNoOption_endsStored() throws Exception {
    sendTest("send-test");

    Job job = local.awaitPastCompleted(new JobKey("$default", Provider.OPENROUTER, "job_test"));
    assertEquals(JobStatus.STORED, job.status(), String.valueOf(job.download().lastError()));
  }

  @Test
  void sendTestForModelGatesAndTenantAcme_endsStored() throws Exception {
    sendTest("send-test", "-p", "modelgates", "-t", "acme");

    Job job = local.awaitPastCompleted(new JobKey("acme", Provider.MODELGATES, "job_test"));
    assertEquals(JobStatus.STORED, job.status(), String.valueOf(job.download().lastError()));
  }
}
