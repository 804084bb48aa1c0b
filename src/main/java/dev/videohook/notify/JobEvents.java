package dev.videohook.notify;

import dev.videohook.job.Job;
import dev.videohook.job.JobStatus;
import dev.videohook.job.StoredObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The job transition → downstream event mapping: pure, on the typed job record. A job that has just
 * reached {@code stored}, {@code download_failed}, or a provider's {@code failed}, {@code
 * cancelled} or {@code expired} becomes one event; anything else (other states, an update that
 * keeps the status, delivery items, removals) becomes none.
 */
public final class JobEvents {
  /** The events' {@code source}. */
  public static final String SOURCE = "videohook";

  // the detail-types, as JobStatus defines them (named here for the tests and docs that quote them)
  public static final String STORED = detailType(JobStatus.STORED);
  public static final String DOWNLOAD_FAILED = detailType(JobStatus.DOWNLOAD_FAILED);
  public static final String FAILED = detailType(JobStatus.FAILED);
  public static final String CANCELLED = detailType(JobStatus.CANCELLED);
  public static final String EXPIRED = detailType(JobStatus.EXPIRED);

  /** The detail-type of each state that makes an event: {@link JobStatus#eventful()}. */
  public static final Map<JobStatus, String> DETAIL_TYPES = detailTypes();

  private JobEvents() {}

  /**
   * The event a stream record means, from its event name and its two images.
   *
   * @param eventName {@code INSERT}, {@code MODIFY} or {@code REMOVE}
   */
  public static Optional<JobEvent> of(
      String eventName, Optional<Job> oldJob, Optional<Job> newJob) {
    if (!"INSERT".equals(eventName) && !"MODIFY".equals(eventName)) {
      return Optional.empty();
    }
    if (newJob.isEmpty() || !DETAIL_TYPES.containsKey(newJob.get().status())) {
      return Optional.empty();
    }
    if (oldJob.isPresent() && oldJob.get().status() == newJob.get().status()) {
      return Optional.empty();
    }
    return Optional.of(of(newJob.get()));
  }

  /** The event for a job in a state that makes one. */
  public static JobEvent of(Job job) {
    String detailType = DETAIL_TYPES.get(job.status());
    if (detailType == null) {
      throw new IllegalArgumentException("no event for a job in state " + job.status().value());
    }
    String eventId = eventId(job);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("event_id", eventId);
    detail.put("tenant", job.tenant());
    detail.put("provider", job.provider().id());
    detail.put("job_id", job.jobId());
    detail.put("status", job.status().value());
    putIfPresent(detail, "model", job.model());
    putIfPresent(detail, "generation_id", job.generationId());
    putIfPresent(detail, "cost", job.usage().cost());
    putIfPresent(detail, "is_byok", job.usage().byok());
    String error =
        job.status() == JobStatus.DOWNLOAD_FAILED ? job.download().lastError() : job.error();
    putIfPresent(detail, "error", error);
    List<Map<String, Object>> outputs = new ArrayList<>();
    List<StoredObject> objects = job.stored().objects();
    for (int i = 0; i < objects.size(); i++) {
      StoredObject object = objects.get(i);
      Map<String, Object> output = new LinkedHashMap<>();
      output.put("index", i);
      output.put("bucket", job.stored().bucket());
      output.put("key", object.key());
      output.put("size", object.size());
      putIfPresent(output, "sha256", object.sha256());
      putIfPresent(output, "content_type", object.contentType());
      outputs.add(output);
    }
    detail.put("outputs", outputs);
    putIfPresent(detail, "terminal_at", job.times().terminalAt());
    putIfPresent(detail, "stored_at", job.times().storedAt());
    putIfPresent(detail, "updated_at", job.times().updatedAt());
    return new JobEvent(eventId, detailType, detail);
  }

  /**
   * A name-based UUID of tenant, provider, job id and state: the same transition always gets the
   * same id, and a job redriven from {@code download_failed} to {@code stored} gets a new one.
   */
  public static String eventId(Job job) {
    String name =
        String.join(
            "/", SOURCE, job.tenant(), job.provider().id(), job.jobId(), job.status().value());
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static void putIfPresent(Map<String, Object> map, String name, Object value) {
    if (value != null) {
      map.put(name, value instanceof Instant ? value.toString() : value);
    }
  }

  private static String detailType(JobStatus status) {
    return status.detailType().orElseThrow();
  }

  private static Map<JobStatus, String> detailTypes() {
    Map<JobStatus, String> types = new EnumMap<>(JobStatus.class);
    for (JobStatus status : JobStatus.eventful()) {
      types.put(status, detailType(status));
    }
    return Map.copyOf(types);
  }
}
