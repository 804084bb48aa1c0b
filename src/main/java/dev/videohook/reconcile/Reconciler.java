package dev.videohook.reconcile;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.config.AwsClients;
import dev.videohook.event.EventType;
import dev.videohook.event.InvalidEventException;
import dev.videohook.event.VideoEvent;
import dev.videohook.job.Delivery;
import dev.videohook.job.Job;
import dev.videohook.job.JobPage;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.RecordOutcome;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderClient;
import dev.videohook.provider.ProviderJob;
import dev.videohook.retry.Backoff;
import dev.videohook.retry.Sleeper;
import dev.videohook.secrets.TenantSecrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Finds jobs whose webhook never came. Jobs still {@code pending} past a minimum age (a Query on
 * the status index) are looked up at the provider ({@code GET /videos/{id}}); a terminal answer is
 * committed exactly as its webhook would have been ({@link JobStore#recordDelivery}, same dedupe
 * key), so the stream downloads it and a webhook arriving later is a duplicate. A job the provider
 * has not finished by the deadline is marked {@code expired} locally.
 *
 * <p>Work is bounded: at most {@link ReconcileConfig#maxJobsPerRun} jobs and never past the run's
 * deadline. A provider answering 429 or 5xx is backed off (exponentially, within the budget) and,
 * after {@value #MAX_CONSECUTIVE_THROTTLES} such answers in a row, left alone until the next run.
 * One job's failure never stops the run.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  /** The log line (its message) that means a webhook was lost; a metric filter counts it. */
  public static final String LOST_WEBHOOK_MESSAGE =
      "reconciler recorded a job whose webhook was lost";

  static final int MAX_CONSECUTIVE_THROTTLES = 3;
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(20);
  private static final int QUERY_PAGE = 100;

  /** Builds the provider client for one tenant and provider, its API key included. */
  @FunctionalInterface
  public interface ProviderClients {
    /**
     * @return empty when the tenant has no API key for the provider
     */
    Optional<ProviderClient> forTenant(String tenant, Provider provider);
  }

  private final JobStore jobs;
  private final ProviderClients clients;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration minAge;
  private final Duration deadline;
  private final int maxJobsPerRun;
  private final Duration strandedAfter;

  /**
   * Everything from the environment (the AWS clients once): what the Lambda does at init, and what
   * the command line and the local stack do with their own settings.
   *
   * @throws dev.videohook.config.ConfigurationException naming every missing or invalid setting
   */
  public static Reconciler fromEnvironment(Map<String, String> env) {
    return fromConfig(ReconcileConfig.fromEnvironment(env), env);
  }

  static Reconciler fromConfig(ReconcileConfig config, Map<String, String> env) {
    TenantSecrets secrets = TenantSecrets.fromEnvironment(ReconcileConfig.secretsSettings(env));
    JobStore jobs =
        new JobStore(
            AwsClients.dynamoDb(config.shared()),
            config.shared().tableName(),
            config.deliveryTtl());
    return new Reconciler(
        jobs, clients(config, secrets), Clock.systemUTC(), Sleeper.SYSTEM, config);
  }

  public Reconciler(
      JobStore jobs,
      ProviderClients clients,
      Clock clock,
      Sleeper sleeper,
      ReconcileConfig config) {
    this.jobs = jobs;
    this.clients = clients;
    this.clock = clock;
    this.sleeper = sleeper;
    this.minAge = config.minAge();
    this.deadline = config.deadline();
    this.maxJobsPerRun = config.maxJobsPerRun();
    this.strandedAfter = config.strandedAfter();
  }

  /** Provider clients on the configured API bases with each tenant's key, one per pair. */
  public static ProviderClients clients(ReconcileConfig config, TenantSecrets secrets) {
    Map<String, ProviderClient> built = new HashMap<>();
    return (tenant, provider) ->
        secrets
            .apiKey(tenant, provider)
            .map(
                key ->
                    built.computeIfAbsent(
                        tenant + "/" + provider.id(),
                        k -> new ProviderClient(provider, config.apiBase(provider), key)));
  }

  /**
   * One pass over the pending jobs old enough, oldest first.
   *
   * @param stopBy the run starts no provider call after this instant
   */
  public ReconcileReport run(Instant stopBy) {
    Run run = new Run(stopBy);
    Instant cutoff = clock.instant().minus(minAge);
    JobPage.Cursor cursor = null;
    boolean more = true;
    while (more && run.canContinue()) {
      int limit = Math.min(QUERY_PAGE, maxJobsPerRun - run.examined);
      JobPage page = jobs.pendingUpdatedBefore(cutoff, limit, cursor);
      for (Job job : page.jobs()) {
        if (!run.canContinue()) {
          run.skipped++;
          continue;
        }
        run.examined++;
        if (run.backingOff.contains(job.provider())) {
          run.skipped++;
          continue;
        }
        try {
          reconcile(job, run);
        } catch (RuntimeException e) {
          run.errors++;
          log(LOG.atWarn(), job)
              .addKeyValue("outcome", "error")
              .setCause(e)
              .log("reconciling a job failed: looked at again next run");
        }
      }
      cursor = page.next().orElse(null);
      more = cursor != null;
    }
    boolean strandedLeft = markStrandedDownloads(run);
    ReconcileReport report = run.report(!more && !strandedLeft);
    LoggingEventBuilder line = report.recovered() > 0 ? LOG.atWarn() : LOG.atInfo();
    report.toMap().forEach(line::addKeyValue);
    line.log("reconcile run finished");
    return report;
  }

  /**
   * Jobs still {@code completed} long after the stream could download them: their last attempt
   * never reached the code (the function failed to start, the record grew too old, the invocation
   * was killed), so they end {@code download_failed} here, with the reason, for a redrive.
   *
   * @return true when some were left for the next run
   */
  private boolean markStrandedDownloads(Run run) {
    Instant now = clock.instant();
    String reason =
        "stranded: still completed "
            + strandedAfter.toHours()
            + " h after its last change, past what the table's stream can deliver (retries spent,"
            + " a record too old, or a download function that failed to start): redrive it";
    JobPage.Cursor cursor = null;
    do {
      if (!run.canContinue()) {
        return true;
      }
      JobPage page =
          jobs.jobsInStatus(
              JobStatus.COMPLETED,
              now.minus(strandedAfter),
              Math.min(QUERY_PAGE, maxJobsPerRun - run.examined),
              cursor);
      for (Job job : page.jobs()) {
        run.examined++;
        try {
          if (jobs.markDownloadFailed(job.key(), reason, now)) {
            run.strandedDownloads++;
            log(LOG.atWarn(), job)
                .addKeyValue("outcome", "stranded_download")
                .log("a completed job the stream can no longer download: marked download_failed");
          }
        } catch (RuntimeException e) {
          run.errors++;
          log(LOG.atWarn(), job)
              .addKeyValue("outcome", "error")
              .setCause(e)
              .log("marking a stranded download failed: looked at again next run");
        }
      }
      cursor = page.next().orElse(null);
    } while (cursor != null);
    return false;
  }

  private void reconcile(Job job, Run run) {
    Optional<ProviderClient> client = clients.forTenant(job.tenant(), job.provider());
    if (client.isEmpty()) {
      run.errors++;
      log(LOG.atWarn(), job)
          .addKeyValue("outcome", "no_api_key")
          .log("no API key for this tenant and provider: cannot ask about the job");
      return;
    }
    ProviderJob answer;
    try {
      answer = client.get().status(job.jobId());
    } catch (ProviderApiException e) {
      onProviderError(job, e, run);
      return;
    }
    run.consecutiveThrottles.put(job.provider(), 0);
    if (answer.id() != null && !answer.id().equals(job.jobId())) {
      run.errors++;
      log(LOG.atWarn(), job)
          .addKeyValue("outcome", "wrong_id")
          .log("the provider answered about another job: ignored");
      return;
    }
    Optional<EventType> terminal =
        answer.status() == null ? Optional.empty() : EventType.fromStatus(answer.status());
    if (terminal.isEmpty()) {
      notFinished(job, "the provider still reports " + answer.status(), run);
      return;
    }
    record(job, terminal.get(), answer, run);
  }

  private void record(Job job, EventType type, ProviderJob answer, Run run) {
    Instant now = clock.instant();
    // the status answer in a webhook's envelope, marked as the reconciler's: parsed by the same
    // code as a webhook's body, so the same rules and the same dedupe key apply
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("type", type.wireName());
    envelope.put("created_at", now.toString());
    envelope.put("source", "reconciler");
    envelope.put("data", answer.raw());
    byte[] body;
    Optional<VideoEvent> event;
    try {
      body = JSON.std.asBytes(envelope);
      event = VideoEvent.parse(body);
    } catch (IOException | InvalidEventException e) {
      run.errors++;
      log(LOG.atWarn(), job)
          .addKeyValue("outcome", "invalid_status")
          .addKeyValue("reason", e.getMessage())
          .log("the provider's status answer is not a valid terminal event: not recorded");
      return;
    }
    if (event.isEmpty()) {
      run.errors++;
      return;
    }
    Delivery delivery =
        new Delivery(
            job.tenant(),
            job.provider(),
            event.get(),
            new String(body, StandardCharsets.UTF_8),
            null,
            now);
    RecordOutcome outcome = jobs.recordDelivery(delivery);
    switch (outcome) {
      case RECORDED -> {
        run.recovered++;
        log(LOG.atWarn(), job)
            .addKeyValue("status", type.status())
            .addKeyValue("outcome", "recovered")
            .log(LOST_WEBHOOK_MESSAGE);
      }
      case DUPLICATE -> run.duplicates++;
      case JOB_ALREADY_TERMINAL -> run.alreadyTerminal++;
    }
    log(LOG.atInfo(), job)
        .addKeyValue("status", type.status())
        .addKeyValue("outcome", outcome)
        .log("terminal state from the provider's status");
  }

  private void onProviderError(Job job, ProviderApiException e, Run run) {
    int code = e.statusCode();
    if (e.isRetryable()) {
      run.throttled++;
      int inARow = run.consecutiveThrottles.merge(job.provider(), 1, Integer::sum);
      log(LOG.atWarn(), job)
          .addKeyValue("httpStatus", code)
          .addKeyValue("inARow", inARow)
          .addKeyValue("outcome", "backoff")
          .log("the provider is throttling or failing: backing off");
      if (inARow >= MAX_CONSECUTIVE_THROTTLES) {
        run.backingOff.add(job.provider());
        return;
      }
      run.backOff(inARow);
      return;
    }
    run.consecutiveThrottles.put(job.provider(), 0);
    if (code == 404) {
      notFinished(job, "the provider does not know the job (404)", run);
      return;
    }
    run.errors++;
    log(LOG.atWarn(), job)
        .addKeyValue("httpStatus", code)
        .addKeyValue("outcome", "error")
        .addKeyValue("reason", e.getMessage())
        .log("the provider refused the status call");
  }

  /** Not finished at the provider: left for the next run, or expired past the deadline. */
  private void notFinished(Job job, String why, Run run) {
    Instant since =
        job.times().submittedAt() != null ? job.times().submittedAt() : job.times().updatedAt();
    Instant now = clock.instant();
    if (since == null || since.plus(deadline).isAfter(now)) {
      run.stillRunning++;
      log(LOG.atDebug(), job).addKeyValue("outcome", "still_running").log(why);
      return;
    }
    String reason =
        "expired by the reconciler: not finished "
            + deadline.toHours()
            + " h after submit ("
            + why
            + ")";
    if (jobs.expirePending(job.key(), reason, now)) {
      run.expired++;
      log(LOG.atWarn(), job)
          .addKeyValue("outcome", "expired")
          .addKeyValue("reason", why)
          .log("job marked expired: past the reconciler's deadline");
    } else {
      run.duplicates++;
    }
  }

  private static LoggingEventBuilder log(LoggingEventBuilder line, Job job) {
    return line.addKeyValue("tenant", job.tenant())
        .addKeyValue("provider", job.provider().id())
        .addKeyValue("jobId", job.jobId());
  }

  /** One run's counters and budget. */
  private final class Run {
    final Instant stopBy;
    final Map<Provider, Integer> consecutiveThrottles = new EnumMap<>(Provider.class);
    final Set<Provider> backingOff = EnumSet.noneOf(Provider.class);
    int examined;
    int recovered;
    int duplicates;
    int alreadyTerminal;
    int stillRunning;
    int expired;
    int throttled;
    int errors;
    int skipped;
    int strandedDownloads;
    boolean interrupted;

    Run(Instant stopBy) {
      this.stopBy = stopBy;
    }

    boolean canContinue() {
      return !interrupted && examined < maxJobsPerRun && clock.instant().isBefore(stopBy);
    }

    /** Waits 1 s, 2 s, 4 s, ... (at most 20 s), never past the run's deadline. */
    void backOff(int inARow) {
      Duration wait = Backoff.capped(FIRST_BACKOFF, MAX_BACKOFF, inARow);
      Duration left = Duration.between(clock.instant(), stopBy);
      if (left.isNegative() || left.isZero()) {
        return;
      }
      try {
        sleeper.sleep(wait.compareTo(left) < 0 ? wait : left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        interrupted = true;
      }
    }

    ReconcileReport report(boolean exhausted) {
      return new ReconcileReport(
          examined,
          recovered,
          duplicates,
          alreadyTerminal,
          stillRunning,
          expired,
          throttled,
          errors,
          skipped,
          strandedDownloads,
          exhausted && skipped == 0 && !interrupted);
    }
  }
}
