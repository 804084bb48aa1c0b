package dev.videohook.job;

import dev.videohook.event.VideoEvent;
import dev.videohook.provider.Provider;
import java.time.Instant;

/**
 * One verified webhook delivery, ready to be committed.
 *
 * @param tenant the API stage it arrived on
 * @param provider the provider the path names
 * @param event the parsed event
 * @param rawBody the body exactly as signed, kept for audit and replay
 * @param idempotencyHeader the provider's idempotency header as sent (unsigned), or null
 * @param receivedAt when the receiver accepted it
 */
public record Delivery(
    String tenant,
    Provider provider,
    VideoEvent event,
    String rawBody,
    String idempotencyHeader,
    Instant receivedAt) {

  /** Derived from the signed body only: an unsigned header cannot steer deduplication. */
  public String dedupeKey() {
    return event.dedupeKey();
  }
}
