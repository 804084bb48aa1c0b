package dev.videohook.simulator;

import dev.videohook.job.JobStatus;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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
   * The faults a {@code videohook trigger} name asks for, on top of {@code base}; empty for an
   * unknown name.
   */
  public static Optional<Faults> named(String name, Faults base) {
    return Trigger.named(name).map(trigger -> trigger.on(base));
  }

  /**
   * The faults {@code videohook trigger NAME} asks the simulator for, each with the state the job
   * ends in first and what the command promises. The one home of the trigger names: the command's
   * help, its completion candidates and the simulator's submit field all read them here. The
   * provider's own failures are named after the status they end in ({@link JobStatus#value()}).
   */
  public enum Trigger {
    FAILED(
        JobStatus.FAILED,
        "its webhook arrives in about a second and the job ends failed, the provider's reason"
            + " recorded"),
    CANCELLED(JobStatus.CANCELLED, "its webhook arrives in about a second: job cancelled"),
    EXPIRED(
        JobStatus.EXPIRED,
        "its webhook arrives in about a second: job expired (the provider gave up)"),
    SLOW(
        JobStatus.STORED,
        "its webhook arrives after 3 s, then a 24 MiB video downloads at 2 MiB/s (its progress on"
            + " serve's console): stored after about 15 s"),
    TRUNCATED(
        JobStatus.DOWNLOAD_FAILED,
        "completed, then each download is cut off halfway: download_failed once the stream's"
            + " retries are spent, the reason recorded"),
    LOST_WEBHOOK(
        JobStatus.STORED,
        "no webhook ever comes: pending until the reconciler looks it up (serve runs it every"
            + " RECONCILE_INTERVAL_SECONDS for jobs older than RECONCILE_MIN_AGE_SECONDS;"
            + " `videohook reconcile` runs one pass now), then stored"),
    THROTTLED(
        JobStatus.STORED,
        "no webhook, and the provider answers the reconciler's first look-up 429: the job stays"
            + " pending (the reconciler notes the 429: `videohook status ID` shows it as"
            + " reconcile_last_outcome) and is looked at again 10 minutes later, then recovered"
            + " and stored"),
    PROXY_DOWN(
        JobStatus.STORED,
        "its webhook arrives in about a second; the content proxy answers 502 to every fetch, so"
            + " once its retries are spent the video is stored from the signed URL (`videohook"
            + " status ID` shows object_sources signed_url)");

    private final JobStatus endsIn;
    private final String expect;

    Trigger(JobStatus endsIn, String expect) {
      this.endsIn = endsIn;
      this.expect = expect;
    }

    /** The name the command takes: the constant's, lower-case, words joined by '-'. */
    public String id() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The state the job ends in first. */
    public JobStatus endsIn() {
      return endsIn;
    }

    /** What the command tells its user to expect. */
    public String expect() {
      return expect;
    }

    /** The faults this trigger asks for, on top of {@code base}. */
    public Faults on(Faults base) {
      Builder b = base.toBuilder();
      return switch (this) {
        case FAILED, CANCELLED, EXPIRED -> b.outcome(endsIn).build();
        case SLOW ->
            b.completionDelay(Duration.ofSeconds(3))
                .videoBytes(24L * 1024 * 1024)
                .contentBytesPerSecond(2L * 1024 * 1024)
                .build();
        case TRUNCATED -> b.truncateContent(true).build();
        case LOST_WEBHOOK -> b.webhookNeverSent(true).build();
        case THROTTLED -> b.webhookNeverSent(true).throttledStatusCalls(1).build();
        case PROXY_DOWN -> b.badGatewayFirstFetches(Integer.MAX_VALUE).build();
      };
    }

    /** The trigger of that name; empty for an unknown one. */
    public static Optional<Trigger> named(String id) {
      return Arrays.stream(values()).filter(t -> t.id().equals(id)).findFirst();
    }

    /** Every name, in declaration order: the command's help and shell completion. */
    public static List<String> ids() {
      return Arrays.stream(values()).map(Trigger::id).toList();
    }
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
