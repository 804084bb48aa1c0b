package dev.videohook.simulator;

import dev.videohook.job.JobStatus;
import java.util.Optional;
import java.time.Duration;

/**
 * How the simulated provider misbehaves for the jobs it takes. {@link #none()} is a well-behaved
 * provider; each {@code with...} method switches one fault on, and {@link #toBuilder} sets several.
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

  /** A well-behaved provider: every job completes with a 1 MiB video, each webhook sent once. */
  public static Faults none() {
    return new Builder().build();
  }

  /**
   * The submit field a client sets to ask this simulator for a fault on one job ({@code videohook
   * trigger}); a real provider never sees it, since the command refuses to run outside local mode.
   */
  public static final String SUBMIT_FIELD = "videohook_simulate";

  /**
   * The trigger whose content proxy answers 502 to every fetch (the CDN's unsigned URLs and the
   * content endpoint alike), while the storage host still serves the signed {@code urls}: stored
   * from the signed URL once the proxy's retries are spent.
   */
  public static final String PROXY_DOWN = "proxy-down";

  /**
   * The faults a {@code videohook trigger} name asks for, on top of {@code base}; empty for an
   * unknown name. Each ends in the state the command promises: failed, cancelled and expired as the
   * provider reports them; slow stored after a late webhook and a throttled download; truncated
   * download_failed once the stream's retries are spent; lost-webhook and throttled stored once the
   * reconciler looks the job up (throttled: its first look-up answered 429, so on its next check).
   */
  public static Optional<Faults> named(String name, Faults base) {
    Builder b = base.toBuilder();
    return Optional.ofNullable(
        switch (name) {
          case "failed" -> b.outcome(JobStatus.FAILED).build();
          case "cancelled" -> b.outcome(JobStatus.CANCELLED).build();
          case "expired" -> b.outcome(JobStatus.EXPIRED).build();
          case "slow" ->
              b.completionDelay(Duration.ofSeconds(3))
                  .videoBytes(24L * 1024 * 1024)
                  .contentBytesPerSecond(2L * 1024 * 1024)
                  .build();
          case "truncated" -> b.truncateContent(true).build();
          case "lost-webhook" -> b.webhookNeverSent(true).build();
          case "throttled" -> b.webhookNeverSent(true).throttledStatusCalls(1).build();
          case PROXY_DOWN -> b.badGatewayFirstFetches(Integer.MAX_VALUE).build();
          default -> null;
        });
  }

  /** These faults, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public Faults withOutcome(JobStatus status) {
    return toBuilder().outcome(status).build();
  }

  public Faults withVideoBytes(long bytes) {
    return toBuilder().videoBytes(bytes).build();
  }

  public Faults withCompletionDelay(Duration delay) {
    return toBuilder().completionDelay(delay).build();
  }

  public Faults withContentEndpointOnly() {
    return toBuilder().contentEndpointOnly(true).build();
  }

  public Faults withDuplicateDeliveries(int count) {
    return toBuilder().duplicateDeliveries(count).build();
  }

  public Faults withConcurrentDuplicates(int count) {
    return toBuilder().concurrentDuplicates(count).build();
  }

  public Faults withWrongSecretAttempts(int count) {
    return toBuilder().wrongSecretAttempts(count).build();
  }

  public Faults withStaleAttempts(int count) {
    return toBuilder().staleAttempts(count).build();
  }

  public Faults withContentBytesPerSecond(long rate) {
    return toBuilder().contentBytesPerSecond(rate).build();
  }

  public Faults withTruncatedContent() {
    return toBuilder().truncateContent(true).build();
  }

  public Faults withBadGatewayFirstFetches(int count) {
    return toBuilder().badGatewayFirstFetches(count).build();
  }

  public Faults withWebhookNeverSent() {
    return toBuilder().webhookNeverSent(true).build();
  }

  public Faults withThrottledStatusCalls(int count) {
    return toBuilder().throttledStatusCalls(count).build();
  }

  /** Faults one component at a time; starts from {@link #none()}'s. */
  public static final class Builder {
    private JobStatus outcome = JobStatus.COMPLETED;
    private long videoBytes = 1024 * 1024;
    private Duration completionDelay = Duration.ofMillis(200);
    private boolean contentEndpointOnly;
    private int duplicateDeliveries;
    private int concurrentDuplicates = 1;
    private int wrongSecretAttempts;
    private int staleAttempts;
    private long contentBytesPerSecond;
    private boolean truncateContent;
    private int badGatewayFirstFetches;
    private boolean webhookNeverSent;
    private int throttledStatusCalls;

    private Builder() {}

    private Builder(Faults faults) {
      outcome = faults.outcome;
      videoBytes = faults.videoBytes;
      completionDelay = faults.completionDelay;
      contentEndpointOnly = faults.contentEndpointOnly;
      duplicateDeliveries = faults.duplicateDeliveries;
      concurrentDuplicates = faults.concurrentDuplicates;
      wrongSecretAttempts = faults.wrongSecretAttempts;
      staleAttempts = faults.staleAttempts;
      contentBytesPerSecond = faults.contentBytesPerSecond;
      truncateContent = faults.truncateContent;
      badGatewayFirstFetches = faults.badGatewayFirstFetches;
      webhookNeverSent = faults.webhookNeverSent;
      throttledStatusCalls = faults.throttledStatusCalls;
    }

    public Builder outcome(JobStatus outcome) {
      this.outcome = outcome;
      return this;
    }

    public Builder videoBytes(long videoBytes) {
      this.videoBytes = videoBytes;
      return this;
    }

    public Builder completionDelay(Duration completionDelay) {
      this.completionDelay = completionDelay;
      return this;
    }

    public Builder contentEndpointOnly(boolean contentEndpointOnly) {
      this.contentEndpointOnly = contentEndpointOnly;
      return this;
    }

    public Builder duplicateDeliveries(int duplicateDeliveries) {
      this.duplicateDeliveries = duplicateDeliveries;
      return this;
    }

    public Builder concurrentDuplicates(int concurrentDuplicates) {
      this.concurrentDuplicates = concurrentDuplicates;
      return this;
    }

    public Builder wrongSecretAttempts(int wrongSecretAttempts) {
      this.wrongSecretAttempts = wrongSecretAttempts;
      return this;
    }

    public Builder staleAttempts(int staleAttempts) {
      this.staleAttempts = staleAttempts;
      return this;
    }

    public Builder contentBytesPerSecond(long contentBytesPerSecond) {
      this.contentBytesPerSecond = contentBytesPerSecond;
      return this;
    }

    public Builder truncateContent(boolean truncateContent) {
      this.truncateContent = truncateContent;
      return this;
    }

    public Builder badGatewayFirstFetches(int badGatewayFirstFetches) {
      this.badGatewayFirstFetches = badGatewayFirstFetches;
      return this;
    }

    public Builder webhookNeverSent(boolean webhookNeverSent) {
      this.webhookNeverSent = webhookNeverSent;
      return this;
    }

    public Builder throttledStatusCalls(int throttledStatusCalls) {
      this.throttledStatusCalls = throttledStatusCalls;
      return this;
    }

    public Faults build() {
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
          throttledStatusCalls);
    }
  }
}
