package dev.videohook.job;

import static dev.videohook.job.JobItems.n;
import static dev.videohook.job.JobItems.s;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every condition, key condition, filter and projection on the jobs table, each naming its
 * attributes through {@link JobTable}, so that no attribute name is spelled in {@link JobStore}.
 */
final class JobExpressions {
  private JobExpressions() {}

  /** No item has this key yet. */
  static Expression absent() {
    return new Expression("attribute_not_exists(#pk)", Map.of("#pk", JobTable.PK), Map.of());
  }

  /** No owner item yet, or one naming {@code tenant}: a submit may record it. */
  static Expression ownerAbsentOr(String tenant) {
    return new Expression(
        "attribute_not_exists(#pk) OR #tenant = :tenant",
        Map.of("#pk", JobTable.PK, "#tenant", JobTable.TENANT),
        Map.of(":tenant", s(tenant)));
  }

  /** An item has this key. */
  static Expression present() {
    return new Expression("attribute_exists(#pk)", Map.of("#pk", JobTable.PK), Map.of());
  }

  /**
   * When a terminal event may be committed: a job never seen, one still {@code pending}, or one the
   * reconciler expired itself. A terminal state is otherwise final. The reconciler's own expiry is
   * the only {@code expired} without a terminal delivery ({@link JobStore#expirePending} writes
   * none), so a provider's own terminal event replaces it (the video paid for is still fetched)
   * exactly once, and never replaces a provider's terminal state, its own {@code expired} included.
   */
  static Expression committable() {
    return new Expression(
        "attribute_not_exists(#pk) OR #status = :pending"
            + " OR (#status = :expired AND attribute_not_exists(#delivery))",
        Map.of(
            "#pk",
            JobTable.PK,
            "#status",
            JobTable.STATUS,
            "#delivery",
            JobTable.TERMINAL_DELIVERY),
        Map.of(":pending", s(JobStatus.PENDING.value()), ":expired", s(JobStatus.EXPIRED.value())));
  }

  /** The job is in one of {@code statuses}. */
  static Expression inStatus(JobStatus... statuses) {
    Map<String, AttributeValue> values = new LinkedHashMap<>();
    for (JobStatus status : statuses) {
      values.put(":s_" + status.value(), s(status.value()));
    }
    String text =
        values.size() == 1
            ? "#status = " + values.keySet().iterator().next()
            : "#status IN (" + String.join(", ", values.keySet()) + ")";
    return new Expression(text, Map.of("#status", JobTable.STATUS), values);
  }

  /** The job is waiting for its video ({@link JobStatus#isWaitingForVideo}). */
  static Expression waitingForVideo() {
    return inStatus(
        Arrays.stream(JobStatus.values())
            .filter(JobStatus::isWaitingForVideo)
            .toArray(JobStatus[]::new));
  }

  /**
   * A download may claim the job ({@link JobStore#claimDownload}): it is waiting for its video and
   * no live lease holds it (none, or one whose expiry is not after {@code now}).
   */
  static Expression claimable(Instant now) {
    Expression waiting = waitingForVideo();
    return new Expression(
        "(" + waiting.text() + ") AND (attribute_not_exists(#owner) OR #expires <= :now)",
        Expression.joined(
            waiting.names(),
            Map.of(
                "#owner", JobTable.DOWNLOAD_LEASE_OWNER,
                "#expires", JobTable.DOWNLOAD_LEASE_EXPIRES)),
        Expression.joined(waiting.values(), Map.of(":now", n(Long.toString(now.toEpochMilli())))));
  }

  /**
   * The job is waiting for its video and {@code lease} holds it still: its token is the item's (no
   * one took the job over, and no write released it). The one condition on every write of {@code
   * stored} or {@code download_failed} by a download.
   */
  static Expression leasedTo(DownloadLease lease) {
    Expression waiting = waitingForVideo();
    return new Expression(
        "(" + waiting.text() + ") AND #owner = :owner",
        Expression.joined(waiting.names(), Map.of("#owner", JobTable.DOWNLOAD_LEASE_OWNER)),
        Expression.joined(waiting.values(), Map.of(":owner", s(lease.owner()))));
  }

  /** {@code lease} holds the job still, whatever its status. */
  static Expression ownedBy(DownloadLease lease) {
    return new Expression(
        "#owner = :owner",
        Map.of("#owner", JobTable.DOWNLOAD_LEASE_OWNER),
        Map.of(":owner", s(lease.owner())));
  }

  /** Key condition on {@link JobTable#BY_STATUS_INDEX}: this status, last changed before. */
  static Expression statusUpdatedBefore(JobStatus status, Instant before) {
    return new Expression(
        "#status = :status AND #updatedAt < :before",
        Map.of("#status", JobTable.STATUS, "#updatedAt", JobTable.UPDATED_AT),
        Map.of(":status", s(status.value()), ":before", s(before.toString())));
  }

  /** Key condition on {@link JobTable#BY_TENANT_INDEX}: this tenant. */
  static Expression tenantIs(String tenant) {
    return new Expression(
        "#tenant = :tenant", Map.of("#tenant", JobTable.TENANT), Map.of(":tenant", s(tenant)));
  }

  /** Key condition on {@link JobTable#BY_TENANT_INDEX}: this tenant, last changed since. */
  static Expression tenantUpdatedSince(String tenant, Instant since) {
    return new Expression(
        "#tenant = :tenant AND #updatedAt >= :since",
        Map.of("#tenant", JobTable.TENANT, "#updatedAt", JobTable.UPDATED_AT),
        Map.of(":tenant", s(tenant), ":since", s(since.toString())));
  }

  /** A projection of the status alone. */
  static Expression statusOnly() {
    return new Expression("#status", Map.of("#status", JobTable.STATUS), Map.of());
  }

  /** A pending job the reconciler has never looked at ({@link JobStore#deferPending}). */
  static Expression neverChecked() {
    return new Expression(
        "attribute_not_exists(#next)", Map.of("#next", JobTable.RECONCILE_NEXT_CHECK), Map.of());
  }

  /** A pending job the reconciler looked at whose next check is due by {@code now}. */
  static Expression checkDueBy(Instant now) {
    return new Expression(
        "#next <= :now",
        Map.of("#next", JobTable.RECONCILE_NEXT_CHECK),
        Map.of(":now", s(now.toString())));
  }

  /** A projection of what a cost report reads: the job's identity, status, model and usage. */
  static Expression costFields() {
    Map<String, String> names = new LinkedHashMap<>();
    for (String name :
        new String[] {
          JobTable.PK,
          JobTable.ITEM_TYPE,
          JobTable.TENANT,
          JobTable.PROVIDER,
          JobTable.JOB_ID,
          JobTable.STATUS,
          JobTable.MODEL,
          JobTable.USAGE_COST,
          JobTable.USAGE_IS_BYOK
        }) {
      names.put("#f" + names.size(), name);
    }
    return new Expression(String.join(", ", names.keySet()), names, Map.of());
  }
}
