package dev.videohook.testing;

import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.local.LocalVideohook;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole local stack ({@link LocalVideohook}: moto, the simulated providers, the API server and
 * the stream pollers), started once for a test class on a free port and closed after it. Register
 * it as {@code @RegisterExtension static final LocalStackExtension local = new
 * LocalStackExtension();} and reach the stack with {@code local.stack()}.
 */
public final class LocalStackExtension implements BeforeAllCallback, AfterAllCallback {
  private final Map<String, String> environment;
  private LocalVideohook stack;

  /** The stack with serve's defaults. */
  public LocalStackExtension() {
    this(Map.of());
  }

  /** The stack with these settings on top of serve's defaults. */
  public LocalStackExtension(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    stack = LocalVideohook.start(0, environment);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (stack != null) {
      stack.close();
    }
  }

  /** The running stack; only from a test, or from a set-up that runs after {@code beforeAll}. */
  public LocalVideohook stack() {
    return stack;
  }

  /** The job once it leaves completed (stored or download_failed), or as it is after 60 s. */
  public Job awaitPastCompleted(JobKey key) throws InterruptedException {
    return await(stack, key, status -> status != JobStatus.COMPLETED);
  }

  /** The job once it is stored, or as it is after 60 s, on {@code stack}. */
  public static Job awaitStored(LocalVideohook stack, JobKey key) throws InterruptedException {
    return await(stack, key, status -> status == JobStatus.STORED);
  }

  private static Job await(LocalVideohook stack, JobKey key, Predicate<JobStatus> done)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    Optional<Job> job = stack.jobStore().find(key);
    while (Instant.now().isBefore(deadline) && (job.isEmpty() || !done.test(job.get().status()))) {
      Thread.sleep(100);
      job = stack.jobStore().find(key);
    }
    return job.orElseThrow();
  }
}
