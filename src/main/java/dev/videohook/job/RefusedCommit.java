package dev.videohook.job;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What it means when the receiver's commit is refused (the job already had a terminal state), told
 * from the job item that refused it: the algorithm apart from the storage.
 */
enum RefusedCommit {
  /** The job's terminal state was set by this very delivery: nothing more to do. */
  DUPLICATE,
  /**
   * Another delivery set it first: this one came late. It is kept as a delivery item for audit and
   * the job's terminal state stays final.
   */
  LATE;

  static RefusedCommit of(Delivery delivery, Map<String, AttributeValue> refusingItem) {
    return delivery.dedupeKey().equals(JobItems.terminalDeliveryKey(refusingItem))
        ? DUPLICATE
        : LATE;
  }

  /**
   * What the sender is told about a late delivery, from the outcome of keeping it: {@link
   * RecordOutcome#JOB_ALREADY_TERMINAL} the first time, {@link RecordOutcome#DUPLICATE} when it was
   * already kept.
   */
  static RecordOutcome lateOutcome(RecordOutcome kept) {
    return kept == RecordOutcome.RECORDED ? RecordOutcome.JOB_ALREADY_TERMINAL : kept;
  }
}
