package dev.videohook.job;

/** What {@link JobStore#markStored} found. */
public enum StoreOutcome {
  STORED,
  /** Someone stored it first: nothing was written. */
  ALREADY_STORED,
  /**
   * The job still waits for its video, but the lease given is not the one holding it: its expiry
   * passed and another download took the job over, or it was released. Nothing was written.
   */
  NOT_LEASED,
  /** The job item is gone or in another state; nothing was changed. */
  NOT_COMPLETED
}
