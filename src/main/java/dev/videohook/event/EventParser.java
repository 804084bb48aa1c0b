package dev.videohook.event;

import static dev.videohook.event.StorageLimits.JOB_ID;
import static dev.videohook.event.StorageLimits.MAX_ERROR_LENGTH;
import static dev.videohook.event.StorageLimits.MAX_JOB_ID_LENGTH;
import static dev.videohook.event.StorageLimits.MAX_TEXT_LENGTH;
import static dev.videohook.event.StorageLimits.MAX_URLS;
import static dev.videohook.event.StorageLimits.MAX_URL_LENGTH;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a signed body is an event, and which: the poison-proof parser behind {@link
 * VideoEvent#read}. Every value that decides what happens to the job ({@code type}, {@code
 * data.id}, {@code data.status}, {@code data.unsigned_urls}) is checked against {@link
 * StorageLimits}, and a body that fails is an {@link InvalidEventException}, so nothing the jobs
 * table or S3 cannot hold is ever written. Informational values are left to {@link
 * InformationalFields}, which never refuses.
 */
final class EventParser {

  private static final JSON JSON_READER = JSON.std.with(JSON.Feature.USE_BIG_DECIMAL_FOR_FLOATS);

  private EventParser() {}

  /**
   * Parses a signed body. For any input this returns or throws {@link InvalidEventException},
   * nothing else.
   *
   * @return a {@link VideoEvent}, or an {@link UnknownEvent} when {@code type} is not one this
   *     version knows
   * @throws InvalidEventException when the body is not a valid envelope
   */
  static ParsedEvent read(byte[] body) throws InvalidEventException {
    Map<String, Object> root = asMap(jsonObject(Utf8Body.decode(body)));
    String typeName = string(root, "type", "type");
    if (typeName == null) {
      throw new InvalidEventException("missing string field: type");
    }
    Optional<EventType> type = EventType.fromWireName(typeName);
    if (type.isEmpty()) {
      Object data = root.get("data");
      Object id = data instanceof Map ? asMap(data).get("id") : null;
      return new UnknownEvent(
          StorableText.clean(typeName, MAX_TEXT_LENGTH),
          id instanceof String text && StorageLimits.validJobId(text) ? text : null);
    }
    Object dataNode = root.get("data");
    if (!(dataNode instanceof Map)) {
      throw new InvalidEventException("missing object field: data");
    }
    Map<String, Object> data = asMap(dataNode);
    String jobId = string(data, "id", "data.id");
    if (jobId == null || jobId.isEmpty()) {
      throw new InvalidEventException("missing string field: data.id");
    }
    if (!StorageLimits.validJobId(jobId)) {
      throw new InvalidEventException(
          "data.id is not 1-" + MAX_JOB_ID_LENGTH + " of the characters " + JOB_ID.pattern());
    }
    String statusText = string(data, "status", "data.status");
    if (statusText == null) {
      throw new InvalidEventException("missing string field: data.status");
    }
    if (EventType.fromStatus(statusText).isEmpty()) {
      throw new InvalidEventException("unknown data.status");
    }
    if (!statusText.equals(type.get().status())) {
      throw new InvalidEventException("data.status does not match type");
    }
    List<String> adjustments = new ArrayList<>();
    BigDecimal cost = null;
    Boolean byok = null;
    Object usageNode = data.get("usage");
    if (usageNode instanceof Map) {
      Map<String, Object> usage = asMap(usageNode);
      cost = InformationalFields.cost(usage.get("cost"), adjustments);
      byok = InformationalFields.byok(usage.get("is_byok"), adjustments);
    } else if (usageNode != null) {
      adjustments.add("data.usage dropped: not an object");
    }
    return new VideoEvent(
        type.get(),
        InformationalFields.text(
            root.get("created_at"), "created_at", MAX_TEXT_LENGTH, adjustments),
        jobId,
        InformationalFields.text(
            data.get("generation_id"), "data.generation_id", MAX_TEXT_LENGTH, adjustments),
        InformationalFields.text(data.get("model"), "data.model", MAX_TEXT_LENGTH, adjustments),
        urls(data.get("unsigned_urls")),
        cost,
        byok,
        InformationalFields.text(data.get("error"), "data.error", MAX_ERROR_LENGTH, adjustments),
        InformationalFields.signedUrls(data.get("urls"), adjustments),
        InformationalFields.expiresAt(data.get("expires_at"), adjustments),
        adjustments);
  }

  /**
   * The body's one JSON object. Parsed from the UTF-8 text, not the bytes, so that jackson's
   * encoding detection cannot read UTF-16 or UTF-32 (whose ASCII is valid UTF-8 with NULs between)
   * as another text than the one stored as the raw event; and nothing but whitespace may follow the
   * object. A leading byte order mark is ignored (RFC 8259 allows a parser to).
   */
  private static Object jsonObject(String text) throws InvalidEventException {
    String json = text.startsWith("\uFEFF") ? text.substring(1) : text;
    Object tree;
    boolean trailing;
    try (JsonParser parser = JSON_READER.getStreamingFactory().createParser(json)) {
      tree = JSON_READER.anyFrom(parser);
      trailing = parser.nextToken() != null;
    } catch (IOException | RuntimeException e) {
      // jackson's limits (number length, nesting) are IOExceptions; an exponent beyond an int is
      // a NumberFormatException
      throw new InvalidEventException("body is not valid JSON");
    }
    if (trailing) {
      throw new InvalidEventException("body has content after its JSON value");
    }
    if (!(tree instanceof Map)) {
      throw new InvalidEventException("body is not a JSON object");
    }
    return tree;
  }

  /**
   * {@code data.unsigned_urls}: the videos to fetch, so refused (never cut) when there are too
   * many, one is too long, or one is not text as sent.
   */
  private static List<String> urls(Object node) throws InvalidEventException {
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof List<?> list)) {
      throw new InvalidEventException("data.unsigned_urls is not an array");
    }
    if (list.size() > MAX_URLS) {
      throw new InvalidEventException("data.unsigned_urls holds more than " + MAX_URLS + " URLs");
    }
    List<String> urls = new ArrayList<>(list.size());
    for (Object url : list) {
      if (!(url instanceof String text) || text.isBlank()) {
        throw new InvalidEventException("data.unsigned_urls holds something other than a URL");
      }
      if (text.length() > MAX_URL_LENGTH
          || !text.equals(StorableText.clean(text, MAX_URL_LENGTH))) {
        throw new InvalidEventException(
            "data.unsigned_urls holds a URL over " + MAX_URL_LENGTH + " characters or not text");
      }
      urls.add(text);
    }
    return urls;
  }

  /** A string field of the envelope; null when absent or JSON null; invalid when another type. */
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
