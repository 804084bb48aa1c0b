package dev.videohook.event;

import dev.videohook.job.JobStatus;
import java.util.Arrays;
import java.util.Optional;

/** The webhook event types the provider documents, each tied to the terminal status it reports. */
public enum EventType {
  COMPLETED("video.generation.completed", JobStatus.COMPLETED),
  FAILED("video.generation.failed", JobStatus.FAILED),
  CANCELLED("video.generation.cancelled", JobStatus.CANCELLED),
  EXPIRED("video.generation.expired", JobStatus.EXPIRED);

  private final String wireName;
  private final JobStatus status;

  EventType(String wireName, JobStatus status) {
    this.wireName = wireName;
    this.status = status;
  }

  public String wireName() {
    return wireName;
  }

  public JobStatus status() {
    return status;
  }

  public static Optional<EventType> fromWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }

  public static EventType forStatus(JobStatus status) {
    return Arrays.stream(values())
        .filter(t -> t.status == status)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no event type for " + status));
  }
}
