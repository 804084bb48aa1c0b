package dev.videohook.job;

import java.util.ArrayList;
import java.util.List;

/**
 * Every job in a table by a Scan: for the local stack and small tables only. No function is granted
 * a Scan ({@link JobTableActions}), so this stays apart from {@link JobStore}.
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
}
