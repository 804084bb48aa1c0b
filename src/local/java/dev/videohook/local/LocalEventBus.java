package dev.videohook.local;

import dev.videohook.notify.EventPublisher;
import dev.videohook.notify.JobEvent;
import dev.videohook.notify.JobEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local stand-in for the stack's EventBridge bus (EventBridge has no local emulator): keeps the
 * most recent events the notify handler published, newest last, as EventBridge would deliver them
 * to a rule's target (id, source, detail-type, time, detail).
 */
public final class LocalEventBus implements EventPublisher {
  static final int KEEP = 200;

  private final List<Map<String, Object>> events = new ArrayList<>();

  @Override
  public synchronized void publish(JobEvent event) {
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("id", event.eventId());
    envelope.put("source", JobEvents.SOURCE);
    envelope.put("detail-type", event.detailType());
    envelope.put("time", Instant.now().toString());
    envelope.put("detail", event.detail());
    events.add(envelope);
    if (events.size() > KEEP) {
      events.remove(0);
    }
  }

  /** The events kept, oldest first. */
  public synchronized List<Map<String, Object>> events() {
    return List.copyOf(events);
  }
}
