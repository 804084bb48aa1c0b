package dev.videohook.download;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import dev.videohook.job.Job;
import dev.videohook.job.JobItems;
import dev.videohook.job.JobStatus;
import dev.videohook.job.StreamImages;
import java.util.Optional;

/**
 * Reads the jobs table's stream records (NEW_AND_OLD_IMAGES): their images go through the same
 * mapper as every other read ({@link JobItems}), after AWS's transformer has turned Lambda's own
 * attribute type into the SDK's.
 */
public final class StreamRecords {
  private StreamRecords() {}

  /**
   * The job a stream record asks to download: present only for a job that has just become {@code
   * completed}. template.yaml declares the same filter as {@code FilterCriteria}; applying it again
   * here makes the local stack and a misconfigured mapping behave the same.
   *
   * @throws IllegalArgumentException for a job item without a known provider, tenant, id or status
   */
  public static Optional<CompletedJob> newlyCompletedJob(DynamodbStreamRecord record) {
    if (record == null || record.getDynamodb() == null) {
      return Optional.empty();
    }
    Optional<Job> oldJob = StreamImages.oldJob(record.getDynamodb());
    Optional<Job> newJob = StreamImages.newJob(record.getDynamodb());
    return isNewlyCompleted(record.getEventName(), oldJob, newJob)
        ? newJob.map(CompletedJob::of)
        : Optional.empty();
  }

  /**
   * True when a job has just become {@code completed}: an INSERT or MODIFY whose new image is a job
   * with {@code status = completed} and whose old image (if any) was not already {@code completed}.
   * So the downloader's own updates (a failure note that keeps {@code completed}, or the move to
   * {@code stored}) never trigger another download; nor do delivery items, other statuses or
   * removals.
   */
  static boolean isNewlyCompleted(String eventName, Optional<Job> oldJob, Optional<Job> newJob) {
    if (!"INSERT".equals(eventName) && !"MODIFY".equals(eventName)) {
      return false;
    }
    if (newJob.isEmpty() || newJob.get().status() != JobStatus.COMPLETED) {
      return false;
    }
    return oldJob.isEmpty() || oldJob.get().status() != JobStatus.COMPLETED;
  }
}
