package dev.videohook.job;

import static dev.videohook.job.JobItems.n;
import static dev.videohook.job.JobItems.s;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every condition, key condition, filter and projection on the jobs table, each naming its
 * attributes through {@link JobTable}, so that no attribute name is spelled in {@link JobStore}.
 * Conditions and filters are {@link Condition}s: the in-memory store tests the very same ones.
 */
final class JobExpressions {
  private JobExpressions() {}

  /** No item has this key yet. */
  static Condition absent() {
    return Condition.notExists(JobTable.PK);
  }

  /** No owner item yet, or one naming {@code tenant}: a submit may record it. */
  static Expression ownerAbsentOr(String tenant) {
    return new Expression(
        "attribute_not_exists(#pk) OR #tenant = :tenant",
        Map.of("#pk", JobTable.PK, "#tenant", JobTable.TENANT),
        Map.of(":tenant", s(tenant)));
  }

  /** An item has this key. */
  static Condition present() {
    return Condition.exists(JobTable.PK);
  }

  /**
   * When a terminal event may be committed: a job never seen, one still {@code pending}, or one the
   * reconciler expired itself. A terminal state is otherwise final. The reconciler's own expiry is
   * the only {@code expired} without a terminal delivery ({@link JobStore#expirePending} writes
   * none), so a provider's own terminal event replaces it (the video paid for is still fetched)
   * exactly once, and never replaces a provider's terminal state, its own {@code expired} included.
   */
  static Condition committable() {
    return Condition.anyOf(
        absent(),
        inStatus(JobStatus.PENDING),
        Condition.allOf(
            inStatus(JobStatus.EXPIRED), Condition.notExists(JobTable.TERMINAL_DELIVERY)));
  }

  /** The job is in one of {@code statuses}. */
  static Condition inStatus(JobStatus... statuses) {
    return Condition.in(
        JobTable.STATUS, Arrays.stream(statuses).map(status -> s(status.value())).toList());
  }

  /** The job is waiting for its video ({@link JobStatus#isWaitingForVideo}). */
  static Condition waitingForVideo() {
    return inStatus(
        Arrays.stream(JobStatus.values())
            .filter(JobStatus::isWaitingForVideo)
            .toArray(JobStatus[]::new));
  }

  /**
   * A download may claim the job ({@link JobStore#claimDownload}): it is waiting for its video and
   * no live lease holds it (none, or one whose expiry is not after {@code now}).
   */
  static Condition claimable(Instant now) {
    return Condition.allOf(
        waitingForVideo(),
        Condition.anyOf(
            Condition.notExists(JobTable.DOWNLOAD_LEASE_OWNER),
            Condition.atMost(
                JobTable.DOWNLOAD_LEASE_EXPIRES, n(Long.toString(now.toEpochMilli())))));
  }

  /**
   * The job is waiting for its video and {@code lease} holds it still: its token is the item's (no
   * one took the job over, and no write released it). The one condition on every write of {@code
   * stored} or {@code download_failed} by a download.
   */
  static Condition leasedTo(DownloadLease lease) {
    return Condition.allOf(waitingForVideo(), ownedBy(lease));
  }

  /** {@code lease} holds the job still, whatever its status. */
  static Condition ownedBy(DownloadLease lease) {
    return Condition.equalTo(JobTable.DOWNLOAD_LEASE_OWNER, s(lease.owner()));
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
  static Condition neverChecked() {
    return Condition.notExists(JobTable.RECONCILE_NEXT_CHECK);
  }

  /** A pending job the reconciler looked at whose next check is due by {@code now}. */
  static Condition checkDueBy(Instant now) {
    return Condition.atMost(JobTable.RECONCILE_NEXT_CHECK, s(now.toString()));
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
