package dev.videohook.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.StoredObject;
import dev.videohook.job.Usage;
import dev.videohook.provider.Provider;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobEventsTest {
  private static final JobKey KEY = new JobKey("acme", Provider.OPENROUTER, "job-1");
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  private static Job job(JobStatus status, Job.StoredVideos stored) {
    return Job.builder(KEY, status)
        .model("google/veo-3.1-lite")
        .generationId("gen-1")
        .usage(new Usage(new BigDecimal("0.40"), false))
        .error(status == JobStatus.FAILED ? "model refused" : null)
        .stored(stored)
        .times(new Job.Times(T0, T0.plusSeconds(5), T0.plusSeconds(9), T0.plusSeconds(9)))
        .build();
  }

  private static final Job.StoredVideos TWO_OUTPUTS =
      new Job.StoredVideos(
          "videos",
          List.of(
              new StoredObject("acme/openrouter/job-1/0.mp4", 10, "aa", "video/mp4"),
              new StoredObject("acme/openrouter/job-1/1.mp4", 20, "bb", "video/mp4")));

  @Test
  void of_shouldDescribeEveryOutput_whenAJobBecomesStored() {
    JobEvent event =
        JobEvents.of(
                "MODIFY",
                Optional.of(job(JobStatus.COMPLETED, null)),
                Optional.of(job(JobStatus.STORED, TWO_OUTPUTS)))
            .orElseThrow();
    assertEquals(JobEvents.STORED, event.detailType());
    Map<String, Object> d = event.detail();
    assertEquals(event.eventId(), d.get("event_id"));
    assertEquals("acme", d.get("tenant"));
    assertEquals("openrouter", d.get("provider"));
    assertEquals("job-1", d.get("job_id"));
    assertEquals("stored", d.get("status"));
    assertEquals("google/veo-3.1-lite", d.get("model"));
    assertEquals(new BigDecimal("0.40"), d.get("cost"));
    assertEquals(
        List.of(
            Map.of(
                "index", 0,
                "bucket", "videos",
                "key", "acme/openrouter/job-1/0.mp4",
                "size", 10L,
                "sha256", "aa",
                "content_type", "video/mp4"),
            Map.of(
                "index", 1,
                "bucket", "videos",
                "key", "acme/openrouter/job-1/1.mp4",
                "size", 20L,
                "sha256", "bb",
                "content_type", "video/mp4")),
        d.get("outputs"));
    assertEquals("2025-01-01T00:00:05Z", d.get("terminal_at"));
    assertEquals("2025-01-01T00:00:09Z", d.get("stored_at"));
  }

  @Test
  void eventId_shouldBeTheSameForTheSameTransition_andDifferForAnother() {
    assertEquals(
        JobEvents.of(job(JobStatus.STORED, TWO_OUTPUTS)).eventId(),
        JobEvents.of(job(JobStatus.STORED, null)).eventId());
    assertNotEquals(
        JobEvents.of(job(JobStatus.STORED, TWO_OUTPUTS)).eventId(),
        JobEvents.of(job(JobStatus.DOWNLOAD_FAILED, null)).eventId());
  }

  @Test
  void of_shouldMakeAnEventForEachProviderFailure_insertedOrModified() {
    for (JobStatus status : List.of(JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.EXPIRED)) {
      assertEquals(
          JobEvents.DETAIL_TYPES.get(status),
          JobEvents.of("INSERT", Optional.empty(), Optional.of(job(status, null)))
              .orElseThrow()
              .detailType());
      assertTrue(
          JobEvents.of(
                  "MODIFY",
                  Optional.of(job(JobStatus.PENDING, null)),
                  Optional.of(job(status, null)))
              .isPresent());
    }
    assertEquals("model refused", JobEvents.of(job(JobStatus.FAILED, null)).detail().get("error"));
  }

  @Test
  void of_shouldMakeTheProvidersEvent_whenItsVerdictReplacesTheReconcilersExpiry() {
    for (JobStatus status : List.of(JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.COMPLETED)) {
      Optional<JobEvent> event =
          JobEvents.of(
              "MODIFY", Optional.of(job(JobStatus.EXPIRED, null)), Optional.of(job(status, null)));
      assertEquals(
          status.detailType(), event.map(JobEvent::detailType), "expired -> " + status.value());
    }
  }

  @Test
  void detailTypes_shouldBeTheOnesConsumersSubscribeTo() {
    // consumers' EventBridge rules name these: a rename is a breaking change
    assertEquals(
        Map.of(
            JobStatus.STORED, "Video Stored",
            JobStatus.DOWNLOAD_FAILED, "Video Download Failed",
            JobStatus.FAILED, "Video Generation Failed",
            JobStatus.CANCELLED, "Video Generation Cancelled",
            JobStatus.EXPIRED, "Video Generation Expired"),
        JobEvents.DETAIL_TYPES);
  }

  @Test
  void of_shouldMakeNothing_forOtherStatesOrAnUpdateThatKeepsTheStatus() {
    assertTrue(
        JobEvents.of("INSERT", Optional.empty(), Optional.of(job(JobStatus.COMPLETED, null)))
            .isEmpty());
    assertTrue(
        JobEvents.of("INSERT", Optional.empty(), Optional.of(job(JobStatus.PENDING, null)))
            .isEmpty());
    assertTrue(
        JobEvents.of(
                "MODIFY",
                Optional.of(job(JobStatus.DOWNLOAD_FAILED, null)),
                Optional.of(job(JobStatus.DOWNLOAD_FAILED, null)))
            .isEmpty());
    assertTrue(
        JobEvents.of("REMOVE", Optional.of(job(JobStatus.STORED, TWO_OUTPUTS)), Optional.empty())
            .isEmpty());
  }
}
