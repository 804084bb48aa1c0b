package dev.videohook.job;

import dev.videohook.event.VideoEvent;
import dev.videohook.provider.Provider;
import java.time.Duration;
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

  /** The job the event reports on. */
  public JobKey jobKey() {
    return new JobKey(tenant, provider, event.jobId());
  }

  /** The job as this delivery's terminal event describes it. */
  Job reportedJob() {
    return Job.builder(jobKey(), JobStatus.of(event.type()))
        .model(event.model())
        .generationId(event.generationId())
        .unsignedUrls(event.unsignedUrls())
        .usage(new Usage(event.cost(), event.byok()))
        .error(event.error())
        .eventType(event.type().wireName())
        .eventCreatedAt(event.createdAt())
        .terminalDelivery(dedupeKey())
        .times(new Job.Times(null, receivedAt, null, receivedAt))
        .signedUrls(event.signedUrls())
        .outputsExpireAt(event.outputsExpireAt())
        .build();
  }

  /** The record kept of this delivery, until {@code ttl} after it was received. */
  DeliveryRecord record(Duration ttl) {
    return new DeliveryRecord(
        jobKey(),
        dedupeKey(),
        event.status(),
        rawBody,
        idempotencyHeader,
        receivedAt,
        receivedAt.plus(ttl));
  }
}
