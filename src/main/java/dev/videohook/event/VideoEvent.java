package dev.videohook.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A terminal job event as the provider sends it: an envelope ({@code type}, {@code created_at})
 * around the job's fields in {@code data}.
 *
 * <p>Parsing is poison-proof: every value that decides what happens to the job ({@code type},
 * {@code data.id}, {@code data.status}, {@code data.unsigned_urls}) is checked against what the
 * jobs table and S3 keys can hold, and a body that fails is an {@link InvalidEventException}.
 * Informational values ({@code created_at}, {@code data.model}, {@code data.generation_id}, {@code
 * data.error}, {@code data.usage}) never refuse an event: what fits is kept, a value of another
 * type is stringified (text) or dropped (usage), and each such change is listed in {@link
 * #adjustments}; the raw body keeps the original.
 *
 * @param type the known event type
 * @param createdAt {@code created_at} as sent, or null
 * @param jobId {@code data.id}: {@link #JOB_ID} characters, at most {@link #MAX_JOB_ID_LENGTH}
 * @param generationId {@code data.generation_id}, or null
 * @param model {@code data.model}, or null
 * @param unsignedUrls {@code data.unsigned_urls}, empty when absent; at most {@link #MAX_URLS},
 *     each at most {@link #MAX_URL_LENGTH} characters
 * @param cost {@code data.usage.cost}, or null when absent or not a number DynamoDB can hold
 * @param byok {@code data.usage.is_byok}, or null
 * @param error {@code data.error}, or null
 * @param adjustments what was stringified, shortened or dropped to make the event storable
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
    String error,
    List<String> adjustments)
    implements ParsedEvent {

  /**
   * The characters a job id may have: it becomes part of a DynamoDB key and an S3 key segment, so
   * no slash, space, {@code #} or control character.
   */
  public static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_.:-]+");

  public static final int MAX_JOB_ID_LENGTH = 256;
  public static final int MAX_URLS = 16;
  public static final int MAX_URL_LENGTH = 2048;

  /** Informational text ({@code created_at}, model, generation id, unknown types) is cut here. */
  public static final int MAX_TEXT_LENGTH = 1024;

  /** {@code data.error} is cut here. */
  public static final int MAX_ERROR_LENGTH = 4096;

  /** DynamoDB numbers: at most 38 significant digits, magnitude 1E-130 to 9.99…E+125. */
  static final int MAX_NUMBER_DIGITS = 38;

  static final int MIN_NUMBER_EXPONENT = -130;
  static final int MAX_NUMBER_EXPONENT = 125;

  private static final JSON JSON_READER = JSON.std.with(JSON.Feature.USE_BIG_DECIMAL_FOR_FLOATS);

  public VideoEvent {
    unsignedUrls = List.copyOf(unsignedUrls);
    adjustments = adjustments == null ? List.of() : List.copyOf(adjustments);
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
   * @return the event, or empty when its {@code type} is not one this version knows
   * @throws InvalidEventException when the body is not a valid envelope
   */
  public static Optional<VideoEvent> parse(byte[] body) throws InvalidEventException {
    return read(body) instanceof VideoEvent event ? Optional.of(event) : Optional.empty();
  }

  /**
   * Parses a signed body. For any input this returns or throws {@link InvalidEventException},
   * nothing else.
   *
   * @return a {@link VideoEvent}, or an {@link UnknownEvent} when {@code type} is not one this
   *     version knows
   * @throws InvalidEventException when the body is not a valid envelope
   */
  public static ParsedEvent read(byte[] body) throws InvalidEventException {
    Map<String, Object> root = asMap(jsonObject(utf8(body)));
    String typeName = string(root, "type", "type");
    if (typeName == null) {
      throw new InvalidEventException("missing string field: type");
    }
    Optional<EventType> type = EventType.fromWireName(typeName);
    if (type.isEmpty()) {
      Object data = root.get("data");
      Object id = data instanceof Map ? asMap(data).get("id") : null;
      return new UnknownEvent(
          Text.clean(typeName, MAX_TEXT_LENGTH),
          id instanceof String text && validJobId(text) ? text : null);
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
    if (!validJobId(jobId)) {
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
      cost = cost(usage.get("cost"), adjustments);
      Object byokNode = usage.get("is_byok");
      if (byokNode instanceof Boolean flag) {
        byok = flag;
      } else if (byokNode != null) {
        adjustments.add("data.usage.is_byok dropped: not a boolean");
      }
    } else if (usageNode != null) {
      adjustments.add("data.usage dropped: not an object");
    }
    return new VideoEvent(
        type.get(),
        text(root.get("created_at"), "created_at", MAX_TEXT_LENGTH, adjustments),
        jobId,
        text(data.get("generation_id"), "data.generation_id", MAX_TEXT_LENGTH, adjustments),
        text(data.get("model"), "data.model", MAX_TEXT_LENGTH, adjustments),
        urls(data.get("unsigned_urls")),
        cost,
        byok,
        text(data.get("error"), "data.error", MAX_ERROR_LENGTH, adjustments),
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

  private static String utf8(byte[] body) throws InvalidEventException {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidEventException("body is not UTF-8");
    }
  }

  /** True for an id that can be part of a DynamoDB key and an S3 key segment. */
  public static boolean validJobId(String id) {
    return id.length() <= MAX_JOB_ID_LENGTH
        && JOB_ID.matcher(id).matches()
        && !id.equals(".")
        && !id.equals("..");
  }

  /**
   * True for a number DynamoDB can hold as sent: at most 38 significant digits, zero or a magnitude
   * from 1E-130 to below 1E+126. Cheap for any exponent (no plain-string expansion).
   */
  public static boolean fitsDynamoDb(BigDecimal value) {
    if (value.signum() == 0) {
      return true;
    }
    BigDecimal stripped = value.stripTrailingZeros();
    long exponent = (long) stripped.precision() - stripped.scale() - 1;
    return stripped.precision() <= MAX_NUMBER_DIGITS
        && exponent >= MIN_NUMBER_EXPONENT
        && exponent <= MAX_NUMBER_EXPONENT;
  }

  private static BigDecimal cost(Object node, List<String> adjustments) {
    if (node == null) {
      return null;
    }
    if (!(node instanceof Number number)) {
      adjustments.add("data.usage.cost dropped: not a number");
      return null;
    }
    BigDecimal value = new BigDecimal(number.toString());
    if (!fitsDynamoDb(value)) {
      adjustments.add("data.usage.cost dropped: outside DynamoDB's number range or precision");
      return null;
    }
    return value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
  }

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
      if (text.length() > MAX_URL_LENGTH || !text.equals(Text.clean(text, MAX_URL_LENGTH))) {
        throw new InvalidEventException(
            "data.unsigned_urls holds a URL over " + MAX_URL_LENGTH + " characters or not text");
      }
      urls.add(text);
    }
    return urls;
  }

  /**
   * An informational text field: a string is kept (cut to {@code max}), any other value is
   * stringified as JSON; never a reason to refuse the event.
   */
  private static String text(Object value, String path, int max, List<String> adjustments) {
    if (value == null) {
      return null;
    }
    String text;
    if (value instanceof String string) {
      text = string;
    } else {
      try {
        text = JSON.std.asString(value);
        adjustments.add(path + " stringified: not a string");
      } catch (IOException | RuntimeException e) {
        adjustments.add(path + " dropped: not a string");
        return null;
      }
    }
    String clean = Text.clean(text, max);
    if (!clean.equals(text)) {
      adjustments.add(path + " shortened or cleaned to fit");
    }
    return clean;
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

  /** Text made storable: at most {@code max} characters, no unpaired surrogate. */
  static final class Text {
    private Text() {}

    static String clean(String text, int max) {
      int end = Math.min(text.length(), max);
      if (end > 0 && end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
        end--;
      }
      StringBuilder out = null;
      for (int i = 0; i < end; i++) {
        char c = text.charAt(i);
        boolean paired =
            Character.isHighSurrogate(c)
                ? i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1))
                : !Character.isLowSurrogate(c)
                    || (i > 0 && Character.isHighSurrogate(text.charAt(i - 1)));
        if (!paired && out == null) {
          out = new StringBuilder(end).append(text, 0, i);
        }
        if (out != null) {
          out.append(paired ? c : '\uFFFD');
        }
      }
      return out != null ? out.toString() : end == text.length() ? text : text.substring(0, end);
    }
  }
}
