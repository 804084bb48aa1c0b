package dev.videohook.event;

import java.util.Arrays;
import java.util.Optional;

/** The webhook event types the provider documents, each tied to the terminal status it reports. */
public enum EventType {
  COMPLETED("video.generation.completed", "completed"),
  FAILED("video.generation.failed", "failed"),
  CANCELLED("video.generation.cancelled", "cancelled"),
  EXPIRED("video.generation.expired", "expired");

  private final String wireName;
  private final String status;

  EventType(String wireName, String status) {
    this.wireName = wireName;
    this.status = status;
  }

  /** {@code type} as sent, e.g. {@code video.generation.completed}. */
  public String wireName() {
    return wireName;
  }

  /** {@code data.status} that this type reports, e.g. {@code completed}. */
  public String status() {
    return status;
  }

  public static Optional<EventType> fromWireName(String name) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
  }

  /** The type that reports {@code data.status}, e.g. {@link #FAILED} for {@code failed}. */
  public static Optional<EventType> fromStatus(String status) {
    return Arrays.stream(values()).filter(t -> t.status.equals(status)).findFirst();
  }
}
