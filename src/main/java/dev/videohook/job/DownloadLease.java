package dev.videohook.job;

import java.time.Instant;
import java.util.UUID;

/**
 * A claim on one job's download ({@link JobStore#claimDownload}): while it is held, no other
 * download of the job starts, and only its holder may write the job's {@code stored} or {@code
 * download_failed} ({@link JobStore#markStored}, {@link JobStore#recordDownloadFailure}, {@link
 * JobStore#markDownloadFailed}), which also release it. Past {@code expiresAt} another claimant may
 * take the job over; the token then changes, and this holder's writes are refused.
 *
 * @param job the job claimed
 * @param owner the holder's token, unique to this claim
 * @param expiresAt when the claim ends: no later than the claimant's own deadline
 */
public record DownloadLease(JobKey job, String owner, Instant expiresAt) {
  /**
   * A new claim of {@code job} from {@code now} to {@code expiresAt}, with a token of its own: what
   * every store writes when it grants one.
   *
   * @throws IllegalArgumentException when {@code expiresAt} is not after {@code now}
   */
  static DownloadLease claimed(JobKey job, Instant now, Instant expiresAt) {
    if (!expiresAt.isAfter(now)) {
      throw new IllegalArgumentException(
          "a lease must end after it starts: " + expiresAt + " is not after " + now);
    }
    return new DownloadLease(job, UUID.randomUUID().toString(), expiresAt);
  }
}
