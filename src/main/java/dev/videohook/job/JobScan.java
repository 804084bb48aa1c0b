package dev.videohook.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Jobs found by a Scan: for the local stack, the command line and small tables only. No function is
 * granted a Scan ({@link JobTableActions}), so this stays apart from {@link JobStore}.
 */
public final class JobScan {
  private JobScan() {}

  /** Every job in the store's table, most recently updated first. */
  public static List<Job> allJobs(JobStore store) {
    List<Job> jobs = new ArrayList<>();
    store
        .dynamoDb()
        .scanPaginator(b -> b.tableName(store.tableName()).consistentRead(true))
        .items()
        .forEach(item -> JobItems.job(item).ifPresent(jobs::add));
    jobs.sort(
        (a, b) ->
            String.valueOf(b.times().updatedAt()).compareTo(String.valueOf(a.times().updatedAt())));
    return jobs;
  }

  /**
   * Every job with this provider job id, whatever its tenant and provider: a Scan filtered on the
   * id, for the command line when the tenant is not given.
   */
  public static List<Job> jobsWithId(JobStore store, String jobId) {
    List<Job> jobs = new ArrayList<>();
    store
        .dynamoDb()
        .scanPaginator(
            b ->
                b.tableName(store.tableName())
                    .filterExpression("#jobId = :jobId")
                    .expressionAttributeNames(Map.of("#jobId", JobTable.JOB_ID))
                    .expressionAttributeValues(Map.of(":jobId", JobItems.s(jobId))))
        .items()
        .forEach(item -> JobItems.job(item).ifPresent(jobs::add));
    return jobs;
  }
}
