package dev.videohook.operate;

import dev.videohook.download.FailedBatchRecord;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Redrive} did, step by step in the order it did it, and its counts.
 *
 * @param dryRun nothing was changed
 * @param steps every step, in order
 * @param found jobs selected for a redrive
 * @param handled jobs whose redrive ended without a failure (stored, or found settled meanwhile)
 * @param failedAgain jobs whose download failed again
 * @param downloadsRunning jobs another download holds: left to it, nothing started
 * @param recordsRead on-failure records read (written before the run)
 * @param recordsDeleted on-failure records deleted
 */
public record RedriveReport(
    boolean dryRun,
    List<Step> steps,
    int found,
    int handled,
    int failedAgain,
    int downloadsRunning,
    int recordsRead,
    int recordsDeleted) {
  public RedriveReport {
    steps = List.copyOf(steps);
  }

  /** One thing the redrive did or found, told as it happens and kept in the report. */
  public sealed interface Step {}

  /** An on-failure record read: it names stream positions, not jobs. */
  public record RecordRead(String key, FailedBatchRecord record) implements Step {}

  /** An object in the on-failure bucket that is not an on-failure record: left in place. */
  public record RecordUnreadable(String key, String reason) implements Step {}

  /** A completed job the stream has not tried yet: its stream record may still be on its way. */
  public record LeftToStream(JobKey job) implements Step {}

  /**
   * What became of one job selected.
   *
   * @param job the job as selected
   * @param error why it failed again, for {@link RedriveOutcome#FAILED_AGAIN}
   */
  public record JobRedriven(Job job, RedriveOutcome outcome, Optional<String> error)
      implements Step {}

  /** An on-failure record kept: a job that changed before it was written is not settled yet. */
  public record RecordKept(String key) implements Step {}

  /** Every job selected and what became of it, in order. */
  public List<JobRedriven> jobs() {
    return steps.stream()
        .filter(JobRedriven.class::isInstance)
        .map(JobRedriven.class::cast)
        .toList();
  }
}
