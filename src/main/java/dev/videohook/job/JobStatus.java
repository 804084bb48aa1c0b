package dev.videohook.job;

import dev.videohook.event.EventType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A job's state as stored on its item; the stored value is the lower-case name. The one home of the
 * status vocabulary: whether a provider reports the state, and which downstream event (if any) a
 * job's move into it emits. Stream filters, event detail-types and the jobs page derive from here.
 */
public enum JobStatus {
  /** Submitted to the provider, no webhook yet. */
  PENDING(null),
  COMPLETED(null),
  FAILED("Video Generation Failed"),
  CANCELLED("Video Generation Cancelled"),
  EXPIRED("Video Generation Expired"),
  /** The video was copied into S3 (set by the downloader after {@link #COMPLETED}). */
  STORED("Video Stored"),
  /** The downloader gave up after its retries (set after {@link #COMPLETED}). */
  DOWNLOAD_FAILED("Video Download Failed");

  /** The states whose arrival emits a downstream event, in declaration order. */
  private static final List<JobStatus> EVENTFUL =
      Arrays.stream(values()).filter(s -> s.detailType != null).toList();

  private final String detailType;

  JobStatus(String detailType) {
    this.detailType = detailType;
  }

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The detail-type of the downstream event a job's move into this state emits; empty when the
   * state emits none ({@code pending}, and {@code completed}, whose event is the later {@code
   * stored} or {@code download_failed}).
   */
  public Optional<String> detailType() {
    return Optional.ofNullable(detailType);
  }

  /** Every state that emits a downstream event when a job moves into it. */
  public static List<JobStatus> eventful() {
    return EVENTFUL;
  }

  /** The states a provider's webhook reports: those an {@link EventType} maps to. */
  public boolean isProviderTerminal() {
    return Arrays.stream(EventType.values()).anyMatch(type -> of(type) == this);
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
