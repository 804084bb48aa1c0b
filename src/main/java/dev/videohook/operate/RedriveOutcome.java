package dev.videohook.operate;

import dev.videohook.download.DownloadService;
import java.util.Locale;

/** What an operator's redrive or replay did with one job. */
public enum RedriveOutcome {
  /** A dry run: the job would be redriven; nothing was done. */
  WOULD_REDRIVE,
  /** Found stored already: nothing was done. */
  FOUND_STORED,
  /** Found in a state with no video to download (pending, failed, cancelled, expired). */
  NO_VIDEO,
  /** Downloaded here, and the job is stored. */
  STORED,
  /** Someone stored it between the look and the download: nothing was downloaded. */
  ALREADY_STORED,
  /** The job left the states a download starts from meanwhile: nothing was downloaded. */
  SKIPPED,
  /**
   * Another download holds the job (the stream's, or another replay's or redrive's): nothing was
   * started, nothing changed.
   */
  DOWNLOAD_RUNNING,
  /** The download failed again; the attempt and its reason are noted on the job. */
  FAILED_AGAIN,
  /**
   * The provider's copy of the outputs expired before they were stored: nothing was fetched, the
   * job stays {@code download_failed} with that reason. No redrive can store it.
   */
  OUTPUTS_EXPIRED;

  static RedriveOutcome of(DownloadService.Outcome outcome) {
    return switch (outcome) {
      case STORED -> STORED;
      case ALREADY_STORED -> ALREADY_STORED;
      case SKIPPED -> SKIPPED;
      case DOWNLOAD_RUNNING -> DOWNLOAD_RUNNING;
      case OUTPUTS_EXPIRED -> OUTPUTS_EXPIRED;
    };
  }

  /** The outcome as the command line words it: "already stored", "failed again". */
  public String words() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
