package dev.videohook.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.metrics.Metrics;
import dev.videohook.provider.Provider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reconciler watches the provider's expiry of finished videos not stored yet: a job within a
 * quarter of its time left is counted for the alarm, the soonest-expiring first; a completed job
 * past its expiry ends download_failed with a reason that says so.
 */
class OutputExpiryWatchTest {
  private static final Provider PROVIDER = ReconcileStage.PROVIDER;
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @RegisterExtension static final ReconcileStage stage = new ReconcileStage("sk-expiry-test");

  private final List<String> metricLines = new CopyOnWriteArrayList<>();

  private JobKey completed(String id, Duration finishedAgo, Duration expiresIn) {
    JobKey key = new JobKey("acme", PROVIDER, id + "-" + System.nanoTime());
    stage
        .jobs()
        .put(
            Job.builder(key, JobStatus.COMPLETED)
                .unsignedUrls(List.of("https://cdn.example/v.mp4"))
                .times(new Job.Times(null, NOW.minus(finishedAgo), null, NOW.minusSeconds(60)))
                .outputsExpireAt(NOW.plus(expiresIn))
                .build());
    return key;
  }

  private void run() {
    new Reconciler(
            stage.jobs(),
            (tenant, provider) -> Optional.empty(),
            Clock.fixed(NOW, ZoneOffset.UTC),
            d -> {},
            stage.config(ReconcileConfig.DEFAULT_MAX_JOBS_PER_RUN),
            new Metrics(Metrics.LOCAL_STACK, metricLines::add, Clock.fixed(NOW, ZoneOffset.UTC)))
        .run(NOW.plus(Duration.ofMinutes(5)));
  }

  /** The job ids the run counted as expiring unstored, in the order it counted them. */
  private List<String> expiringCounted() {
    return metricLines.stream()
        .filter(line -> line.contains(Metrics.OUTPUTS_EXPIRING))
        .map(line -> line.replaceAll(".*\"jobId\":\"([^\"]+)\".*", "$1"))
        .toList();
  }

  @Test
  void unstoredJobsNearOrPastTheirExpiry_areCountedSoonestFirst_andTheExpiredOneEndsFailed() {
    JobKey near = completed("near", Duration.ofHours(3), Duration.ofMinutes(30));
    JobKey far = completed("far", Duration.ofHours(1), Duration.ofHours(10));
    JobKey gone = completed("gone", Duration.ofHours(2), Duration.ofMinutes(-1));

    run();

    assertEquals(List.of(gone.jobId(), near.jobId()), expiringCounted());
    Job expired = stage.jobs().find(gone).orElseThrow();
    assertEquals(JobStatus.DOWNLOAD_FAILED, expired.status());
    assertTrue(
        expired.download().lastError().startsWith("outputs expired at "),
        expired.download().lastError());
    assertEquals(JobStatus.COMPLETED, stage.jobs().find(near).orElseThrow().status());
    assertEquals(JobStatus.COMPLETED, stage.jobs().find(far).orElseThrow().status());
  }
}
