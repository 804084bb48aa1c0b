package dev.videohook.reconcile;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.event.EventType;
import dev.videohook.event.InvalidEventException;
import dev.videohook.event.VideoEvent;
import dev.videohook.job.Delivery;
import dev.videohook.job.Job;
import dev.videohook.job.JobCommits;
import dev.videohook.job.JobPage;
import dev.videohook.job.PendingJobs;
import dev.videohook.job.RecordOutcome;
import dev.videohook.metrics.Metrics;
import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderClient;
import dev.videohook.provider.ProviderJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Pending jobs old enough, looked up at the provider. A terminal answer is committed as its webhook
 * would have been; any other outcome (still running, 404, no API key, a refused call, an answer
 * about another job or one that is not a valid event, a throttle) leaves the job unsettled: it is
 * given a next check ({@link CheckSchedule}) and, once past its deadline, marked {@code expired}
 * with that outcome as the reason.
 *
 * <p>Jobs never looked at go first (up to three quarters of the cap), then jobs whose next check is
 * due, then the never-looked-at again with whatever is left: a pile of jobs that cannot be settled
 * is asked about on its schedule, and a lost webhook behind it is found in the next run.
 */
final class LostWebhookPass {
  private static final Logger LOG = LoggerFactory.getLogger(LostWebhookPass.class);

  private final PendingJobs jobs;
  private final JobCommits commits;
  private final Metrics metrics;
  private final Reconciler.ProviderClients clients;
  private final Clock clock;
  private final Duration minAge;
  private final Duration deadline;
  private final CheckSchedule schedule;
  private final int maxJobs;
  private final int pageSize;

  LostWebhookPass(
      PendingJobs jobs,
      JobCommits commits,
      Reconciler.ProviderClients clients,
      Clock clock,
      ReconcileConfig config,
      int pageSize,
      Metrics metrics) {
    this.jobs = jobs;
    this.commits = commits;
    this.metrics = metrics;
    this.clients = clients;
    this.clock = clock;
    this.minAge = config.minAge();
    this.deadline = config.deadline();
    this.schedule = new CheckSchedule(config.deadline());
    this.maxJobs = config.maxJobsPerRun();
    this.pageSize = pageSize;
  }

  /**
   * @return true when every pending job due for a look was looked at
   */
  boolean run(RunCounters run) {
    Instant now = clock.instant();
    Instant cutoff = now.minus(minAge);
    Queue neverChecked = new Queue(cutoff, now, true);
    Queue due = new Queue(cutoff, now, false);
    neverChecked.take(run, maxJobs - maxJobs / 4);
    due.take(run, maxJobs);
    neverChecked.take(run, maxJobs);
    return neverChecked.exhausted && due.exhausted;
  }

  /** One of the two Queries, read page by page across the run's turns. */
  private final class Queue {
    final Instant cutoff;
    final Instant now;
    final boolean neverChecked;
    JobPage.Cursor cursor;
    boolean exhausted;

    Queue(Instant cutoff, Instant now, boolean neverChecked) {
      this.cutoff = cutoff;
      this.now = now;
      this.neverChecked = neverChecked;
    }

    /** Looks at jobs until {@code upTo} have been examined in this run, or time runs out. */
    void take(RunCounters run, int upTo) {
      while (!exhausted && run.examined < upTo && run.hasTime()) {
        JobPage page =
            jobs.pendingToCheck(
                cutoff, now, neverChecked, Math.min(pageSize, upTo - run.examined), cursor);
        for (Job job : page.jobs()) {
          if (!run.hasTime()) {
            run.skipped++;
            continue;
          }
          run.examined++;
          if (run.backingOff.contains(job.provider())) {
            run.skipped++;
            continue;
          }
          examine(job, run);
        }
        cursor = page.next().orElse(null);
        exhausted = cursor == null;
      }
    }
  }

  /**
   * Why a look did not settle a job.
   *
   * @param running the provider is still working on it (or does not know it): counted as still
   *     running unless it is past its deadline
   */
  private record Unsettled(String why, boolean running) {
    static Unsettled failed(String why) {
      return new Unsettled(why, false);
    }
  }

  private void examine(Job job, RunCounters run) {
    Optional<Unsettled> unsettled;
    try {
      unsettled = reconcile(job, run);
    } catch (RuntimeException e) {
      run.errors++;
      log(LOG.atWarn(), job)
          .addKeyValue("outcome", "error")
          .setCause(e)
          .log("reconciling a job failed: looked at again later");
      unsettled =
          Optional.of(
              Unsettled.failed("looking it up failed (" + e.getClass().getSimpleName() + ")"));
    }
    if (unsettled.isPresent()) {
      try {
        notSettled(job, unsettled.get(), run);
      } catch (RuntimeException e) {
        run.errors++;
        log(LOG.atWarn(), job)
            .addKeyValue("outcome", "error")
            .setCause(e)
            .log("noting an unsettled job failed: looked at again next run");
      }
    }
  }

  /**
   * @return why the job is not settled, or empty when a terminal state was recorded (or found)
   */
  private Optional<Unsettled> reconcile(Job job, RunCounters run) {
    Optional<ProviderClient> client = clients.forTenant(job.tenant(), job.provider());
    if (client.isEmpty()) {
      run.errors++;
      log(LOG.atWarn(), job)
          .addKeyValue("outcome", "no_api_key")
          .log("no API key for this tenant and provider: cannot ask about the job");
      return Optional.of(
          Unsettled.failed(
              "no API key for tenant "
                  + job.tenant()
                  + " and provider "
                  + job.provider().id()
                  + ": the provider could not be asked"));
    }
    ProviderJob answer;
    try {
      // a share of the run: a stalled answer can neither hold the run past its budget nor spend it
      answer = client.get().status(job.jobId(), run.callDeadline());
    } catch (ProviderApiException e) {
      return Optional.of(onProviderError(job, e, run));
    }
    run.consecutiveThrottles.put(job.provider(), 0);
    if (answer.id() != null && !answer.id().equals(job.jobId())) {
      run.errors++;
      log(LOG.atWarn(), job)
          .addKeyValue("outcome", "wrong_id")
          .log("the provider answered about another job: ignored");
      return Optional.of(Unsettled.failed("the provider's status answer was about another job"));
    }
    Optional<EventType> terminal =
        answer.status() == null ? Optional.empty() : EventType.fromStatus(answer.status());
    if (terminal.isEmpty()) {
      if (!ProviderJob.RUNNING_STATUSES.contains(answer.status())) {
        // statuses are an open set: a new one is kept as the provider said it, never guessed at
        log(LOG.atWarn(), job)
            .addKeyValue("outcome", "unknown_status")
            .addKeyValue("providerStatus", answer.printableStatus())
            .log("the provider reports a status videohook does not know: kept pending");
        return Optional.of(
            new Unsettled(
                "the provider reports status '"
                    + answer.printableStatus()
                    + "', unknown to videohook: kept pending",
                true));
      }
      log(LOG.atDebug(), job).addKeyValue("outcome", "still_running").log("not finished");
      return Optional.of(new Unsettled("the provider still reports " + answer.status(), true));
    }
    return record(job, terminal.get(), answer, run);
  }

  private Optional<Unsettled> record(Job job, EventType type, ProviderJob answer, RunCounters run) {
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
      return Optional.of(
          Unsettled.failed("the provider's status answer is not a valid event: " + e.getMessage()));
    }
    if (event.isEmpty()) {
      run.errors++;
      return Optional.of(
          Unsettled.failed("the provider's status answer is not a known event type"));
    }
    Delivery delivery =
        new Delivery(
            job.tenant(),
            job.provider(),
            event.get(),
            new String(body, StandardCharsets.UTF_8),
            null,
            now);
    RecordOutcome outcome = commits.recordDelivery(delivery);
    switch (outcome) {
      case RECORDED -> {
        run.recovered++;
        log(LOG.atWarn(), job)
            .addKeyValue("status", type.status())
            .addKeyValue("outcome", "recovered")
            .log(Reconciler.LOST_WEBHOOK_MESSAGE);
        metrics.reconciled(job.tenant(), job.provider().id(), job.jobId());
      }
      case DUPLICATE -> run.duplicates++;
      case JOB_ALREADY_TERMINAL -> run.alreadyTerminal++;
      case FOREIGN_TENANT -> run.errors++; // its own tenant's pending job: cannot happen
    }
    log(LOG.atInfo(), job)
        .addKeyValue("status", type.status())
        .addKeyValue("outcome", outcome)
        .log("terminal state from the provider's status");
    return Optional.empty();
  }

  /** Counts and logs a refused or failed status call; returns it as a reason. */
  private Unsettled onProviderError(Job job, ProviderApiException e, RunCounters run) {
    int code = e.statusCode();
    if (e.isRetryable()) {
      // a timeout too: a provider too slow to answer in full is left alone like a failing one
      // after a few in a row, but not waited for again: the call has already spent the wait
      run.throttled++;
      int inARow = run.consecutiveThrottles.merge(job.provider(), 1, Integer::sum);
      log(LOG.atWarn(), job)
          .addKeyValue("httpStatus", code)
          .addKeyValue("inARow", inARow)
          .addKeyValue("outcome", e.isTimeout() ? "timeout" : "backoff")
          .log(
              e.isTimeout()
                  ? "the provider's status answer did not come in time: backing off"
                  : "the provider is throttling or failing: backing off");
      Duration asked = e.retryAfter().orElse(Duration.ZERO);
      if (inARow >= RunCounters.MAX_CONSECUTIVE_THROTTLES || run.waitsTooLong(asked)) {
        run.backingOff.add(job.provider());
      } else if (!e.isTimeout()) {
        run.backOff(inARow, asked);
      }
      return Unsettled.failed(
          e.isTimeout()
              ? "the provider's status answer did not come in time (timeout)"
              : code == 0
                  ? "the provider could not be reached"
                  : "the provider was throttling or failing (HTTP " + code + ")");
    }
    run.consecutiveThrottles.put(job.provider(), 0);
    if (code == 404) {
      return new Unsettled("the provider does not know the job (404)", true);
    }
    run.errors++;
    log(LOG.atWarn(), job)
        .addKeyValue("httpStatus", code)
        .addKeyValue("outcome", "error")
        .addKeyValue("reason", e.getMessage())
        .log("the provider refused the status call");
    return Unsettled.failed("the provider refused the status call (HTTP " + code + ")");
  }

  /** Not settled: expired past the deadline, else looked at again on the job's schedule. */
  private void notSettled(Job job, Unsettled unsettled, RunCounters run) {
    Instant now = clock.instant();
    String why = unsettled.why();
    if (!schedule.pastDeadline(job, now)) {
      if (unsettled.running()) {
        run.stillRunning++;
      }
      jobs.deferPending(job.key(), schedule.nextCheck(job, now), why);
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

  static LoggingEventBuilder log(LoggingEventBuilder line, Job job) {
    return line.addKeyValue("tenant", job.tenant())
        .addKeyValue("provider", job.provider().id())
        .addKeyValue("jobId", job.jobId());
  }
}
