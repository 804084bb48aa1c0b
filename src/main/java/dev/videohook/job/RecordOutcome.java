package dev.videohook.job;

/** What committing a delivery did. Every outcome is a final answer for the sender. */
public enum RecordOutcome {
  /** The delivery was new and the job took its terminal state. */
  RECORDED,
  /** This delivery was already recorded; nothing changed. */
  DUPLICATE,
  /**
   * The delivery was new but the job already had a terminal state, which is final: the delivery was
   * kept for audit and the job left as it was.
   */
  JOB_ALREADY_TERMINAL,
  /**
   * The job id belongs to another tenant (videohook submitted it for that tenant): nothing was
   * written, here or on the owner's job. A job belongs to the tenant that submitted it.
   */
  FOREIGN_TENANT
}
