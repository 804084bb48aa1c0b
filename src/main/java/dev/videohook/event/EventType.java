package dev.videohook.event;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;

/** The webhook event types the provider documents, each tied to the terminal status it reports. */
public enum EventType {
  COMPLETED,
  FAILED,
  CANCELLED,
  EXPIRED;

  /** The provider's scheme: the status is the constant's name, the type that under a prefix. */
  private final String status = name().toLowerCase(Locale.ROOT);

  private final String wireName = "video.generation." + status;

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

  /** Every {@link #status()}, in declaration order: the CLI's completion candidates and help. */
  public static final class Statuses implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(values()).map(EventType::status).iterator();
    }
  }
}
