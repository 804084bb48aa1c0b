package dev.videohook.job;

import dev.videohook.event.EventType;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** A job's state as stored on its item; the stored value is the lower-case name. */
public enum JobStatus {
  /** Submitted to the provider, no webhook yet. */
  PENDING,
  COMPLETED,
  FAILED,
  CANCELLED,
  EXPIRED,
  /** The video was copied into S3 (set by the downloader after {@link #COMPLETED}). */
  STORED,
  /** The downloader gave up after its retries (set after {@link #COMPLETED}). */
  DOWNLOAD_FAILED;

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The four states a provider's webhook reports. */
  public boolean isProviderTerminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED || this == EXPIRED;
  }

  /**
   * Waiting for its video: {@link #COMPLETED}, or {@link #DOWNLOAD_FAILED} (which an operator may
   * re-drive). Only such a job may become {@link #STORED} or have a failed download counted.
   */
  public boolean isWaitingForVideo() {
    return this == COMPLETED || this == DOWNLOAD_FAILED;
  }

  /** The state a provider's terminal event puts a job in. */
  public static JobStatus of(EventType type) {
    return switch (type) {
      case COMPLETED -> COMPLETED;
      case FAILED -> FAILED;
      case CANCELLED -> CANCELLED;
      case EXPIRED -> EXPIRED;
    };
  }

  public static Optional<JobStatus> fromValue(String value) {
    return Arrays.stream(values()).filter(s -> s.value().equals(value)).findFirst();
  }
}
