package dev.videohook.notify;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One downstream event, as it goes onto the event bus: source {@link JobEvents#SOURCE}, a
 * detail-type, and a detail. The detail's {@code event_id} is deterministic (the same job reaching
 * the same state always gives the same id), so consumers can dedupe the at-least-once delivery of
 * the stream and of EventBridge.
 *
 * @param eventId deterministic id, also {@code detail.event_id}
 * @param detailType one of {@link JobEvents#DETAIL_TYPES}
 * @param detail plain JSON values (strings, numbers, booleans, lists, maps)
 */
public record JobEvent(String eventId, String detailType, Map<String, Object> detail) {
  public JobEvent {
    detail = Collections.unmodifiableMap(new LinkedHashMap<>(detail));
  }
}
