package dev.videohook.event;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A terminal job event as the provider sends it: an envelope ({@code type}, {@code created_at})
 * around the job's fields in {@code data}.
 *
 * <p>Parsing is poison-proof ({@link EventParser}): every value that decides what happens to the
 * job ({@code type}, {@code data.id}, {@code data.status}, {@code data.unsigned_urls}) is checked
 * against what the jobs table and S3 keys can hold ({@link StorageLimits}), and a body that fails
 * is an {@link InvalidEventException}. Informational values ({@code created_at}, {@code
 * data.model}, {@code data.generation_id}, {@code data.error}, {@code data.usage}) never refuse an
 * event ({@link InformationalFields}): what fits is kept, a value of another type is stringified
 * (text) or dropped (usage), and each such change is listed in {@link #adjustments}; the raw body
 * keeps the original.
 *
 * <p>The limits below are {@link StorageLimits}' own, published here because callers outside this
 * package speak of an event's bounds.
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
 * @param signedUrls {@code data.urls}, the signed storage URLs (a fallback source), empty when
 *     absent or dropped
 * @param outputsExpireAt {@code data.expires_at} (Unix seconds), when the provider's copy of the
 *     outputs stops being available, or null
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
    List<String> signedUrls,
    Instant outputsExpireAt,
    List<String> adjustments)
    implements ParsedEvent {

  /** The characters a job id may have: {@link StorageLimits#JOB_ID}. */
  public static final Pattern JOB_ID = StorageLimits.JOB_ID;

  public static final int MAX_JOB_ID_LENGTH = StorageLimits.MAX_JOB_ID_LENGTH;
  public static final int MAX_URLS = StorageLimits.MAX_URLS;
  public static final int MAX_URL_LENGTH = StorageLimits.MAX_URL_LENGTH;

  /** Informational text ({@code created_at}, model, generation id, unknown types) is cut here. */
  public static final int MAX_TEXT_LENGTH = StorageLimits.MAX_TEXT_LENGTH;

  /** {@code data.error} is cut here. */
  public static final int MAX_ERROR_LENGTH = StorageLimits.MAX_ERROR_LENGTH;

  public VideoEvent {
    unsignedUrls = List.copyOf(unsignedUrls);
    signedUrls = signedUrls == null ? List.of() : List.copyOf(signedUrls);
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
   * Parses a signed body ({@link EventParser#read}): for any input a {@link VideoEvent}, an {@link
   * UnknownEvent} when {@code type} is not one this version knows, or {@link InvalidEventException}
   * when the body is not a valid envelope; nothing else.
   */
  public static ParsedEvent read(byte[] body) throws InvalidEventException {
    return EventParser.read(body);
  }

  /** {@link StorageLimits#validJobId}: an id that can be part of a DynamoDB key and an S3 key. */
  public static boolean validJobId(String id) {
    return StorageLimits.validJobId(id);
  }

  /** {@link StorageLimits#fitsDynamoDb}: a number DynamoDB can hold as sent. */
  public static boolean fitsDynamoDb(BigDecimal value) {
    return StorageLimits.fitsDynamoDb(value);
  }
}
