package dev.videohook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.cli.CliStack.Run;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.local.LocalEnvFile;
import dev.videohook.provider.Provider;
import dev.videohook.simulator.Faults.Trigger;
import dev.videohook.testing.LocalStackExtension;
import dev.videohook.testing.Soak;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code videohook trigger}, with serve's settings, on the local stack: each ends as promised. */
class TriggerTest {
  private static final Set<JobStatus> SETTLED =
      Set.of(
          JobStatus.STORED,
          JobStatus.DOWNLOAD_FAILED,
          JobStatus.FAILED,
          JobStatus.CANCELLED,
          JobStatus.EXPIRED);
  @RegisterExtension static final LocalStackExtension local = new LocalStackExtension();

  private static Map<String, String> env() {
    return new HashMap<>(LocalEnvFile.variables(local.stack()));
  }

  private static Run run(Map<String, String> env, String... args) {
    return CliStack.runLocal(env, args);
  }

  @ParameterizedTest
  @ValueSource(strings = {"failed", "cancelled", "expired", "lost-webhook", "throttled"})
  void eachTrigger_endsInTheStateItPromises(String name) throws Exception {
    endsAsPromised(name);
  }

  /**
   * The two triggers that take serve's own time on purpose (a 24 MiB video at 2 MiB/s; a truncated
   * body through every retry): in the soak profile, which CI runs too.
   */
  @Soak
  @ParameterizedTest
  @ValueSource(strings = {"slow", "truncated"})
  void eachTimedTrigger_endsInTheStateItPromises(String name) throws Exception {
    endsAsPromised(name);
  }

  @Test
  void tenantServeDoesNotServe_isRefusedBeforeAnythingIsSubmitted_withServesOwnSettings() {
    Run run = run(env(), "trigger", "failed", "-t", "acmee");

    assertEquals(ExitCode.USAGE, run.exitCode(), run.err());
    assertEquals("", run.out(), "no job id: nothing submitted");
    assertTrue(run.err().contains("it serves acme, demo"), run.err());
  }

  private static void endsAsPromised(String name) throws Exception {
    Trigger promised = Trigger.named(name).orElseThrow();
    Run run = run(env(), "trigger", name);

    assertEquals(0, run.exitCode(), run.err());
    String jobId = run.out().strip();
    assertTrue(run.err().contains("expect: " + promised.expect()), run.err());
    JobKey key = new JobKey("$default", Provider.OPENROUTER, jobId);
    if (name.equals("lost-webhook") || name.equals("throttled")) {
      local.stack().simulator(Provider.OPENROUTER).awaitDelivered(jobId, Duration.ofSeconds(30));
      assertEquals(JobStatus.PENDING, local.stack().jobStore().find(key).orElseThrow().status());
      Thread.sleep(1100); // older than the minimum age below
      Map<String, String> env = env();
      env.put("RECONCILE_MIN_AGE_SECONDS", "1");
      Run reconcile = run(env, "reconcile");
      assertEquals(0, reconcile.exitCode(), reconcile.err() + reconcile.out());
      if (name.equals("throttled")) {
        assertTrue(reconcile.out().contains("throttled 1"), reconcile.out());
        Job deferred = local.stack().jobStore().find(key).orElseThrow();
        assertEquals(JobStatus.PENDING, deferred.status());
        // its next check, 10 minutes on (and past the stack's 15-minute minimum age)
        local.stack().reconcile(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(20)));
      } else {
        assertTrue(reconcile.out().contains("had lost their webhook"), reconcile.out());
      }
    }
    Job job = awaitSettled(key);
    assertEquals(promised.endsIn(), job.status(), String.valueOf(job.download().lastError()));
  }

  @Test
  void outsideLocalMode_refusesBeforeAnythingIsSubmitted() {
    int before = local.stack().simulator(Provider.OPENROUTER).submitBodies().size();
    Map<String, String> env = env();
    env.remove("DOWNLOAD_ALLOW_LOOPBACK_HTTP");

    Run run = run(env, "trigger", "failed");

    assertEquals(ExitCode.CONFIGURATION, run.exitCode(), run.err());
    assertTrue(run.err().contains("DOWNLOAD_ALLOW_LOOPBACK_HTTP=true"), run.err());

    env = env();
    env.remove("OPENROUTER_API_BASE"); // the real provider's
    run = run(env, "trigger", "failed");
    assertEquals(ExitCode.CONFIGURATION, run.exitCode(), run.err());
    assertTrue(run.err().contains("trigger works against the local stack only"), run.err());
    assertEquals(before, local.stack().simulator(Provider.OPENROUTER).submitBodies().size());
  }

  @Test
  void anUnknownName_listsTheKnownOnes() {
    Run run = run(env(), "trigger", "explode");

    assertEquals(ExitCode.USAGE, run.exitCode());
    assertTrue(run.err().contains("no trigger 'explode': one of failed, cancelled"), run.err());
  }

  private static Job awaitSettled(JobKey key) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    Optional<Job> job = local.stack().jobStore().find(key);
    while (Instant.now().isBefore(deadline)
        && (job.isEmpty() || !SETTLED.contains(job.get().status()))) {
      Thread.sleep(100);
      job = local.stack().jobStore().find(key);
    }
    return job.orElseThrow();
  }
}
