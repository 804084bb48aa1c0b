package dev.videohook.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A committed delivery, kept for audit and replay until DynamoDB's TTL removes it.
 *
 * @param job the job it reported on
 * @param dedupeKey the key it was deduplicated by (derived from the signed body)
 * @param eventStatus the status the event reported, as sent
 * @param rawEvent the body exactly as signed
 * @param idempotencyHeader the provider's idempotency header as sent, or null
 * @param receivedAt when the receiver accepted it
 * @param expiresAt when DynamoDB's TTL may remove it
 */
public record DeliveryRecord(
    JobKey job,
    String dedupeKey,
    String eventStatus,
    String rawEvent,
    String idempotencyHeader,
    Instant receivedAt,
    Instant expiresAt) {

  /** Dedupe keys of unknown event types; no {@code {id}-{status}} key can start so. */
  static final String UNKNOWN_EVENT_KEY_PREFIX = "unknown-type-sha256-";

  /**
   * A verified event of a type this version does not know, kept raw, deduplicated by the SHA-256 of
   * its body, until {@code ttl} after it was received.
   */
  static DeliveryRecord unknownEvent(
      JobKey job,
      String type,
      String rawBody,
      String idempotencyHeader,
      Instant receivedAt,
      Duration ttl) {
    return new DeliveryRecord(
        job,
        UNKNOWN_EVENT_KEY_PREFIX + sha256Hex(rawBody),
        type,
        rawBody,
        idempotencyHeader,
        receivedAt,
        receivedAt.plus(ttl));
  }

  private static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
