package dev.videohook.metrics;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.config.SharedConfig;
import dev.videohook.startup.LogSetup;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CloudWatch metrics in the Embedded Metric Format: one JSON line per outcome, written to the
 * function's log, which CloudWatch Logs turns into metrics in namespace {@link #NAMESPACE} (no API
 * call, no extra permission). Every metric has the dimensions {@code Stack} (the CloudFormation
 * stack, from {@value #STACK_VARIABLE}: two stacks in one account and Region never count each
 * other's traffic) and {@code Service} (webhook, download, notify, reconcile); a rejection also has
 * {@code Stack, Service, Reason}. Tenant, provider and job id go along as properties, searchable in
 * Logs Insights but not dimensions (no per-job metric cost).
 *
 * <p>The lines go through the SLF4J logger {@link #LOGGER}, which {@link LogSetup} writes as the
 * bare message (an EMF document must be the whole line); tests pass their own sink.
 */
public final class Metrics {
  public static final String NAMESPACE = "videohook";
  public static final String LOGGER = LogSetup.EMF_LOGGER;

  /** The stack name (template.yaml sets it from AWS::StackName); {@value #LOCAL_STACK} without. */
  public static final String STACK_VARIABLE = SharedConfig.STACK_NAME;

  public static final String LOCAL_STACK = "local";
  public static final String STACK = "Stack";
  public static final String SERVICE = "Service";
  public static final String REASON = "Reason";

  public static final String ACCEPTED = "WebhookAccepted";
  public static final String DUPLICATE = "WebhookDuplicate";
  public static final String REJECTED = "WebhookRejected";
  public static final String INVALID_EVENT = "WebhookInvalidEvent";
  public static final String STORAGE_ERROR = "WebhookStorageError";
  public static final String DOWNLOAD_STORED = "DownloadStored";
  public static final String DOWNLOAD_FAILED = "DownloadFailed";
  public static final String BYTES_STORED = "BytesStored";
  public static final String SECONDS_TO_STORED = "SecondsWebhookToStored";
  public static final String JOBS_RECONCILED = "JobsReconciled";
  public static final String EVENTS_PUBLISHED = "EventsPublished";
  public static final String LATE_TERMINAL_EVENT = "WebhookLateTerminalEvent";
  public static final String RECONCILE_RUN_ERRORS = "ReconcileRunErrors";
  public static final String RECONCILE_RUN_INCOMPLETE = "ReconcileRunIncomplete";
  public static final String REDRIVE_FAILED = "RedriveFailed";
  public static final String FOREIGN_TENANT = "WebhookForeignTenant";
  public static final String OUTPUTS_EXPIRING = "OutputsExpiringUnstored";

  public static final String WEBHOOK = "webhook";
  public static final String DOWNLOAD = "download";
  public static final String NOTIFY = "notify";
  public static final String RECONCILE = "reconcile";

  private final String stack;
  private final Consumer<String> sink;
  private final Clock clock;

  /** Writes through the {@link #LOGGER} logger, for the stack {@value #STACK_VARIABLE} names. */
  public static Metrics toLog() {
    Logger emf = LoggerFactory.getLogger(LOGGER);
    return new Metrics(stack(System.getenv(STACK_VARIABLE)), emf::info, Clock.systemUTC());
  }

  /** The stack's name, or {@value #LOCAL_STACK} when the variable is unset or empty. */
  static String stack(String variable) {
    return variable == null || variable.isBlank() ? LOCAL_STACK : variable;
  }

  public Metrics(String stack, Consumer<String> sink, Clock clock) {
    this.stack = stack;
    this.sink = sink;
    this.clock = clock;
  }

  // --- the receiver ---

  public void accepted(String tenant, String provider) {
    count(WEBHOOK, ACCEPTED, null, tenant, provider, null);
  }

  public void duplicate(String tenant, String provider) {
    count(WEBHOOK, DUPLICATE, null, tenant, provider, null);
  }

  /**
   * @param reason a short, bounded name (unauthorized, not_found, body_too_large, not_configured):
   *     it is a dimension
   */
  public void rejected(String tenant, String provider, String reason) {
    count(WEBHOOK, REJECTED, reason, tenant, provider, null);
  }

  public void invalidEvent(String tenant, String provider) {
    count(WEBHOOK, INVALID_EVENT, null, tenant, provider, null);
  }

  public void storageError(String tenant, String provider) {
    count(WEBHOOK, STORAGE_ERROR, null, tenant, provider, null);
  }

  /**
   * A terminal event for a job that already had another terminal state: kept for audit, the job
   * left as it was (its video, if any, is not fetched again).
   */
  public void lateTerminalEvent(String tenant, String provider) {
    count(WEBHOOK, LATE_TERMINAL_EVENT, null, tenant, provider, null);
  }

  /**
   * A signed event, at this tenant's URL, for a job another tenant submitted: refused, nothing
   * written (a replay with a secret two tenants share, or a misrouted callback).
   */
  public void foreignTenant(String tenant, String provider) {
    count(WEBHOOK, FOREIGN_TENANT, null, tenant, provider, null);
  }

  // --- the downloader ---

  public void downloadStored(String tenant, String provider, String jobId, long bytes) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(DOWNLOAD_STORED, 1);
    values.put(BYTES_STORED, bytes);
    emit(
        DOWNLOAD,
        values,
        Map.of(DOWNLOAD_STORED, "Count", BYTES_STORED, "Bytes"),
        null,
        tenant,
        provider,
        jobId);
  }

  public void downloadFailed(String tenant, String provider, String jobId) {
    count(DOWNLOAD, DOWNLOAD_FAILED, null, tenant, provider, jobId);
  }

  /**
   * A job whose video is not stored yet while the provider's copy is about to expire, or has
   * expired: counted by the reconciler's expiry watch, each run it finds the job so.
   */
  public void outputsExpiring(String tenant, String provider, String jobId) {
    count(RECONCILE, OUTPUTS_EXPIRING, null, tenant, provider, jobId);
  }

  /** An operator's redrive of a job failed again (the job keeps its reason, for the next one). */
  public void redriveFailed(String tenant, String provider, String jobId) {
    count(DOWNLOAD, REDRIVE_FAILED, null, tenant, provider, jobId);
  }

  // --- downstream events ---

  /** A stored job's time from its terminal webhook to its videos in S3. */
  public void secondsToStored(String tenant, String provider, String jobId, double seconds) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(SECONDS_TO_STORED, seconds);
    emit(NOTIFY, values, Map.of(SECONDS_TO_STORED, "Seconds"), null, tenant, provider, jobId);
  }

  public void eventPublished(String tenant, String provider, String jobId) {
    count(NOTIFY, EVENTS_PUBLISHED, null, tenant, provider, jobId);
  }

  // --- the reconciler ---

  /** A job the reconciler found terminal at the provider although no webhook recorded it. */
  public void reconciled(String tenant, String provider, String jobId) {
    count(RECONCILE, JOBS_RECONCILED, null, tenant, provider, jobId);
  }

  /**
   * One reconciler run's end: how many jobs it could not handle, and 1 when it left work for the
   * next run (out of time or over a cap), else 0. Both every run, so an alarm sees a steady series.
   */
  public void reconcileRun(int errors, boolean complete) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(RECONCILE_RUN_ERRORS, errors);
    values.put(RECONCILE_RUN_INCOMPLETE, complete ? 0 : 1);
    emit(
        RECONCILE,
        values,
        Map.of(RECONCILE_RUN_ERRORS, "Count", RECONCILE_RUN_INCOMPLETE, "Count"),
        null,
        null,
        null,
        null);
  }

  private void count(
      String service, String name, String reason, String tenant, String provider, String jobId) {
    emit(service, Map.of(name, 1), Map.of(name, "Count"), reason, tenant, provider, jobId);
  }

  private void emit(
      String service,
      Map<String, Object> values,
      Map<String, String> units,
      String reason,
      String tenant,
      String provider,
      String jobId) {
    List<Map<String, String>> definitions = new ArrayList<>();
    values.keySet().forEach(name -> definitions.add(Map.of("Name", name, "Unit", units.get(name))));
    List<List<String>> dimensions = new ArrayList<>();
    dimensions.add(List.of(STACK, SERVICE));
    if (reason != null) {
      dimensions.add(List.of(STACK, SERVICE, REASON));
    }
    Map<String, Object> directive = new LinkedHashMap<>();
    directive.put("Namespace", NAMESPACE);
    directive.put("Dimensions", dimensions);
    directive.put("Metrics", definitions);
    Map<String, Object> aws = new LinkedHashMap<>();
    aws.put("Timestamp", clock.millis());
    aws.put("CloudWatchMetrics", List.of(directive));
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("_aws", aws);
    document.put(STACK, stack);
    document.put(SERVICE, service);
    if (reason != null) {
      document.put(REASON, reason);
    }
    document.putAll(values);
    putIfPresent(document, "tenant", tenant);
    putIfPresent(document, "provider", provider);
    putIfPresent(document, "jobId", jobId);
    try {
      sink.accept(JSON.std.asString(document));
    } catch (IOException | RuntimeException e) {
      // a metric is never worth failing the work it measures
      LoggerFactory.getLogger(Metrics.class).warn("metric not written: {}", e.toString());
    }
  }

  private static void putIfPresent(Map<String, Object> map, String name, Object value) {
    if (value != null) {
      map.put(name, value);
    }
  }
}
