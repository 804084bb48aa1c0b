package dev.videohook.job;

import java.util.HashSet;
import java.util.Set;

/**
 * The IAM actions each user of {@link JobStore} calls on the jobs table; template.yaml grants no
 * more (TemplateContractTest compares the two).
 */
public final class JobTableActions {
  private JobTableActions() {}

  /**
   * What {@link JobStore#recordDelivery} and {@link JobStore#recordUnknownEvent} call: a GetItem of
   * the job id's owner item, then the commit, one UpdateItem of the job item; a late terminal event
   * or an unknown event type is one PutItem of a delivery item.
   */
  public static final Set<String> RECORD =
      Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem");

  /** What {@link JobStore#find} and {@link JobStore#recentJobs} need (the latter on the index). */
  public static final Set<String> READ = Set.of("dynamodb:GetItem", "dynamodb:Query");

  /** The downloader's transitions ({@link JobStore#status} and the two updates). */
  public static final Set<String> DOWNLOAD = Set.of("dynamodb:GetItem", "dynamodb:UpdateItem");

  /**
   * The reconciler's: {@link JobStore#pendingUpdatedBefore} (a Query on {@link
   * JobTable#BY_STATUS_INDEX}), {@link JobStore#recordDelivery} and {@link JobStore#expirePending}.
   */
  public static final Set<String> RECONCILE = reconcile();

  /**
   * What {@code videohook smoke} calls: {@link JobStore#find} and {@link JobStore#delete}, from an
   * operator's machine (no function is granted DeleteItem).
   */
  public static final Set<String> SMOKE = Set.of("dynamodb:GetItem", "dynamodb:DeleteItem");

  /** What {@link JobStore#prime} calls; template.yaml grants it on {@link JobTable#PRIMING_KEY}. */
  public static final Set<String> PRIMING = Set.of("dynamodb:GetItem");

  private static Set<String> reconcile() {
    Set<String> actions = new HashSet<>(RECORD);
    actions.add("dynamodb:Query");
    actions.add("dynamodb:UpdateItem");
    return Set.copyOf(actions);
  }
}
