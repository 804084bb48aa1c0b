package dev.videohook.event;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A terminal job event as the provider sends it: an envelope ({@code type}, {@code created_at})
 * around the job's fields in {@code data}.
 *
 * @param type the known event type
 * @param createdAt {@code created_at} as sent, or null
 * @param jobId {@code data.id}
 * @param generationId {@code data.generation_id}, or null
 * @param model {@code data.model}, or null
 * @param unsignedUrls {@code data.unsigned_urls}, empty when absent
 * @param cost {@code data.usage.cost}, or null
 * @param byok {@code data.usage.is_byok}, or null
 * @param error {@code data.error}, or null
 */
public record VideoEvent(
    EventType type,
    String createdAt,
    String jobId,
    String generationId,
    String model,
    List<String> unsignedUrls,
    BigDecimal cost,
    Boolean byok,
    String error) {

  private static final JSON JSON_READER = JSON.std.with(JSON.Feature.USE_BIG_DECIMAL_FOR_FLOATS);

  public VideoEvent {
    unsignedUrls = List.copyOf(unsignedUrls);
  }

  /**
   * The key that identifies this delivery: the same shape the provider's idempotency header has.
   */
  public String dedupeKey() {
    return jobId + "-" + type.status();
  }

  /** {@code data.status}, always the one {@code type} names. */
  public String status() {
    return type.status();
  }

  /**
   * Parses a signed body.
   *
   * @return the event, or empty when its {@code type} is not one this version knows (accepted and
   *     ignored, so that new event types do not break the receiver)
   * @throws InvalidEventException when the body is not a valid envelope
   */
  public static Optional<VideoEvent> parse(byte[] body) throws InvalidEventException {
    Map<String, Object> root;
    try {
      Object tree = JSON_READER.anyFrom(body);
      if (!(tree instanceof Map)) {
        throw new InvalidEventException("body is not a JSON object");
      }
      root = asMap(tree);
    } catch (IOException e) {
      throw new InvalidEventException("body is not valid JSON");
    }
    String typeName = string(root, "type", "type");
    if (typeName == null) {
      throw new InvalidEventException("missing string field: type");
    }
    Optional<EventType> type = EventType.fromWireName(typeName);
    if (type.isEmpty()) {
      return Optional.empty();
    }
    Object dataNode = root.get("data");
    if (!(dataNode instanceof Map)) {
      throw new InvalidEventException("missing object field: data");
    }
    Map<String, Object> data = asMap(dataNode);
    String jobId = string(data, "id", "data.id");
    if (jobId == null || jobId.isBlank()) {
      throw new InvalidEventException("missing string field: data.id");
    }
    String statusText = string(data, "status", "data.status");
    if (statusText == null) {
      throw new InvalidEventException("missing string field: data.status");
    }
    if (EventType.fromStatus(statusText).isEmpty()) {
      throw new InvalidEventException("unknown data.status: " + statusText);
    }
    if (!statusText.equals(type.get().status())) {
      throw new InvalidEventException(
          "data.status " + statusText + " does not match type " + typeName);
    }
    BigDecimal cost = null;
    Boolean byok = null;
    Object usageNode = data.get("usage");
    if (usageNode instanceof Map) {
      Map<String, Object> usage = asMap(usageNode);
      Object costNode = usage.get("cost");
      if (costNode instanceof Number number) {
        cost = new BigDecimal(number.toString());
      } else if (costNode != null) {
        throw new InvalidEventException("data.usage.cost is not a number");
      }
      Object byokNode = usage.get("is_byok");
      if (byokNode instanceof Boolean flag) {
        byok = flag;
      } else if (byokNode != null) {
        throw new InvalidEventException("data.usage.is_byok is not a boolean");
      }
    } else if (usageNode != null) {
      throw new InvalidEventException("data.usage is not an object");
    }
    return Optional.of(
        new VideoEvent(
            type.get(),
            string(root, "created_at", "created_at"),
            jobId,
            string(data, "generation_id", "data.generation_id"),
            string(data, "model", "data.model"),
            urls(data.get("unsigned_urls")),
            cost,
            byok,
            string(data, "error", "data.error")));
  }

  private static List<String> urls(Object node) throws InvalidEventException {
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof List<?> list)) {
      throw new InvalidEventException("data.unsigned_urls is not an array");
    }
    List<String> urls = new ArrayList<>(list.size());
    for (Object url : list) {
      if (!(url instanceof String text) || text.isBlank()) {
        throw new InvalidEventException("data.unsigned_urls holds something other than a URL");
      }
      urls.add(text);
    }
    return urls;
  }

  /** A string field; null when absent or JSON null; invalid when of another type. */
  private static String string(Map<String, Object> node, String field, String path)
      throws InvalidEventException {
    Object value = node.get(field);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new InvalidEventException(path + " is not a string");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object node) {
    return (Map<String, Object>) node;
  }
}
