package dev.videohook.job;

import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * DynamoDB refused a delivery's values themselves (a ValidationException), or they would not fit in
 * one item: the event is bad, not the storage, so retrying it can never succeed. The receiver
 * answers 400 and logs it for an alarm.
 */
public final class UnstorableDeliveryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient JobKey job;

  UnstorableDeliveryException(JobKey job, DynamoDbException cause) {
    super("DynamoDB refused the delivery for " + job + ": " + cause.getMessage(), cause);
    this.job = job;
  }

  UnstorableDeliveryException(JobKey job, long itemBytes) {
    super(
        "the delivery for "
            + job
            + " would make an item of "
            + itemBytes
            + " bytes, over DynamoDB's "
            + ItemSize.MAX_BYTES);
    this.job = job;
  }

  /** The job the refused delivery reported on. */
  public JobKey job() {
    return job;
  }
}
