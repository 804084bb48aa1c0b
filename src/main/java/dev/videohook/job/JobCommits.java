package dev.videohook.job;

import java.time.Instant;

/**
 * The receiver's commit point, which the reconciler shares for a terminal state it finds itself:
 * one conditional write per verified delivery, deduplicated by the key derived from the signed
 * body. Implemented by {@link JobStore} (DynamoDB) and, for tests, by an in-memory twin that passes
 * the same contract suite.
 */
public interface JobCommits {
  /**
   * Commits a verified terminal event exactly once. The job takes its state when it is new, still
   * {@code pending}, or {@code expired} by the reconciler itself (no terminal delivery on it); a
   * terminal state is otherwise final. A refused commit with the same dedupe key is {@link
   * RecordOutcome#DUPLICATE}; with another key it is late: kept as a delivery item for audit
   * ({@link RecordOutcome#JOB_ALREADY_TERMINAL}, then {@code DUPLICATE} when it comes again).
   *
   * @throws UnstorableDeliveryException when the values cannot be stored (over the 400 KB item
   *     bound, or refused by the store): nothing was written, and retrying cannot help
   * @throws RuntimeException when the store fails; the caller must not acknowledge the delivery
   */
  RecordOutcome recordDelivery(Delivery delivery);

  /**
   * Keeps a verified event of a type this version does not know, raw, as a delivery item,
   * deduplicated by the SHA-256 of its body. No job item is touched.
   *
   * @return {@link RecordOutcome#RECORDED}, or {@link RecordOutcome#DUPLICATE} for the same body
   * @throws UnstorableDeliveryException when the values cannot be stored
   */
  RecordOutcome recordUnknownEvent(
      JobKey job, String type, String rawBody, String idempotencyHeader, Instant receivedAt);

  /**
   * Loads and initialises the path a commit takes, before the first delivery (SnapStart); writes
   * nothing. A store with no such path does nothing.
   */
  default void prime() {}
}
