package dev.videohook.job;

import java.time.Instant;

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
    Instant expiresAt) {}
