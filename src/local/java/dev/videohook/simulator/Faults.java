package dev.videohook.simulator;

import dev.videohook.job.JobStatus;
import java.time.Duration;

/**
 * How the simulated provider misbehaves for the jobs it takes. {@link #none()} is a well-behaved
 * provider; each {@code with...} method switches one fault on.
 *
 * @param outcome the terminal status every job ends in
 * @param videoBytes size of the generated video
 * @param completionDelay time from submit to the webhook
 * @param contentEndpointOnly send no unsigned_urls, so the video must come from the content
 *     endpoint
 * @param duplicateDeliveries extra identical deliveries after the first succeeded
 * @param concurrentDuplicates identical deliveries sent at the same instant (1 = just one)
 * @param wrongSecretAttempts first attempts signed with a wrong secret before the right one
 * @param staleAttempts first attempts with a timestamp older than the tolerance
 * @param contentBytesPerSecond throttle on video downloads, 0 for full speed
 * @param truncateContent declare the full length but close the connection halfway
 * @param badGatewayFirstFetches content fetches answered 502 before one succeeds
 * @param webhookNeverSent the job ends, but its webhook is never sent (a lost webhook): only the
 *     status API tells, until {@link ProviderSimulator#deliverWebhook} sends it late
 * @param throttledStatusCalls status calls ({@code GET /videos/{id}}) answered 429 before one
 *     succeeds
 */
public record Faults(
    JobStatus outcome,
    long videoBytes,
    Duration completionDelay,
    boolean contentEndpointOnly,
    int duplicateDeliveries,
    int concurrentDuplicates,
    int wrongSecretAttempts,
    int staleAttempts,
    long contentBytesPerSecond,
    boolean truncateContent,
    int badGatewayFirstFetches,
    boolean webhookNeverSent,
    int throttledStatusCalls) {

  public static Faults none() {
    return new Faults(
        JobStatus.COMPLETED,
        1024 * 1024,
        Duration.ofMillis(200),
        false,
        0,
        1,
        0,
        0,
        0,
        false,
        0,
        false,
        0);
  }

  public Faults withOutcome(JobStatus status) {
    return new Faults(
        status,
        videoBytes,
        completionDelay,
        contentEndpointOnly,
        duplicateDeliveries,
        concurrentDuplicates,
        wrongSecretAttempts,
        staleAttempts,
        contentBytesPerSecond,
        truncateContent,
        badGatewayFirstFetches,
        webhookNeverSent,
        throttledStatusCalls);
  }

  public Faults withVideoBytes(long bytes) {
    return new Faults(
        outcome,
        bytes,
        completionDelay,
        contentEndpointOnly,
        duplicateDeliveries,
        concurrentDuplicates,
        wrongSecretAttempts,
        staleAttempts,
        contentBytesPerSecond,
        truncateContent,
        badGatewayFirstFetches,
        webhookNeverSent,
        throttledStatusCalls);
  }

  public Faults withCompletionDelay(Duration delay) {
    return new Faults(
        outcome,
        videoBytes,
        delay,
        contentEndpointOnly,
        duplicateDeliveries,
        concurrentDuplicates,
        wrongSecretAttempts,
        staleAttempts,
        contentBytesPerSecond,
        truncateContent,
        badGatewayFirstFetches,
        webhookNeverSent,
        throttledStatusCalls);
  }

  public Faults withContentEndpointOnly() {
    return new Faults(
        outcome,
        videoBytes,
        completionDelay,
        true,
        duplicateDeliveries,
        concurrentDuplicates,
        wrongSecretAttempts,
        staleAttempts,
        contentBytesPerSecond,
        truncateContent,
        badGatewayFirstFetches,
        webhookNeverSent,
        throttledStatusCalls);
  }

  public Faults withDuplicateDeliveries(int count) {
    return new Faults(
        outcome,
        videoBytes,
        completionDelay,
        contentEndpointOnly,
        count,
        concurrentDuplicates,
        wrongSecretAttempts,
        staleAttempts,
        contentBytesPerSecond,
        truncateContent,
        badGatewayFirstFetches,
        webhookNeverSent,
        throttledStatusCalls);
  }

  public Faults withConcurrentDuplicates(int count) {
    return new Faults(
        outcome,
        videoBytes,
        completionDelay,
        contentEndpointOnly,
        duplicateDeliveries,
        count,
        wrongSecretAttempts,
        staleAttempts,
        contentBytesPerSecond,
        truncateContent,
        badGatewayFirstFetches,
        webhookNeverSent,
        throttledStatusCalls);
  }

  public Faults withWrongSecretAttempts(int count) {
    return new Faults(
        outcome,
        videoBytes,
        completionDelay,
        contentEndpointOnly,
        duplicateDeliveries,
        concurrentDuplicates,
        count,
        staleAttempts,
        contentBytesPerSecond,
        truncateContent,
        badGatewayFirstFetches,
        webhookNeverSent,
        throttledStatusCalls);
  }

  public Faults withStaleAttempts(int count) {
    return new Faults(
        outcome,
        videoBytes,
        completionDelay,
        contentEndpointOnly,
        duplicateDeliveries,
        concurrentDuplicates,
        wrongSecretAttempts,
        count,
        contentBytesPerSecond,
        truncateContent,
        badGatewayFirstFetches,
        webhookNeverSent,
        throttledStatusCalls);
  }

  public Faults withContentBytesPerSecond(long rate) {
    return new Faults(
        outcome,
        videoBytes,
        completionDelay,
        contentEndpointOnly,
        duplicateDeliveries,
        concurrentDuplicates,
        wrongSecretAttempts,
        staleAttempts,
        rate,
        truncateContent,
        badGatewayFirstFetches,
        webhookNeverSent,
        throttledStatusCalls);
  }

  public Faults withTruncatedContent() {
    return new Faults(
        outcome,
        videoBytes,
        completionDelay,
        contentEndpointOnly,
        duplicateDeliveries,
        concurrentDuplicates,
        wrongSecretAttempts,
        staleAttempts,
        contentBytesPerSecond,
        true,
        badGatewayFirstFetches,
        webhookNeverSent,
        throttledStatusCalls);
  }

  public Faults withBadGatewayFirstFetches(int count) {
    return new Faults(
        outcome,
        videoBytes,
        completionDelay,
        contentEndpointOnly,
        duplicateDeliveries,
        concurrentDuplicates,
        wrongSecretAttempts,
        staleAttempts,
        contentBytesPerSecond,
        truncateContent,
        count,
        webhookNeverSent,
        throttledStatusCalls);
  }

  public Faults withWebhookNeverSent() {
    return new Faults(
        outcome,
        videoBytes,
        completionDelay,
        contentEndpointOnly,
        duplicateDeliveries,
        concurrentDuplicates,
        wrongSecretAttempts,
        staleAttempts,
        contentBytesPerSecond,
        truncateContent,
        badGatewayFirstFetches,
        true,
        throttledStatusCalls);
  }

  public Faults withThrottledStatusCalls(int count) {
    return new Faults(
        outcome,
        videoBytes,
        completionDelay,
        contentEndpointOnly,
        duplicateDeliveries,
        concurrentDuplicates,
        wrongSecretAttempts,
        staleAttempts,
        contentBytesPerSecond,
        truncateContent,
        badGatewayFirstFetches,
        webhookNeverSent,
        count);
  }
}
