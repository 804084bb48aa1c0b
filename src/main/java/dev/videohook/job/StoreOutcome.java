package dev.videohook.job;

/** What {@link JobStore#markStored} found. */
public enum StoreOutcome {
  STORED,
  /** Someone stored it first: nothing was written. */
  ALREADY_STORED,
  /** The job item is gone or in another state; nothing was changed. */
  NOT_COMPLETED
}
