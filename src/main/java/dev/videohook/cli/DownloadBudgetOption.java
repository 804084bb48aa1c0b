package dev.videohook.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How long a download the command runs may take: the job's download lease ends then, so that a
 * command killed mid-download frees the job for the stream or another run.
 */
final class DownloadBudgetOption {
  /** Above the margin a download keeps for its last writes (DownloadHandler.DEADLINE_MARGIN). */
  static final long MIN_SECONDS = 120;

  @Option(
      names = "--budget",
      defaultValue = "3600",
      paramLabel = "SECONDS",
      description =
          "How long each download may take here (default: ${DEFAULT-VALUE}): the job is leased to"
              + " this run until then, and the download stops a minute before.")
  long seconds;

  /**
   * @throws CliException (usage) when shorter than {@link #MIN_SECONDS}
   */
  Duration duration() {
    if (seconds < MIN_SECONDS) {
      throw new CliException(
          ExitCode.USAGE,
          "--budget must be at least "
              + MIN_SECONDS
              + " seconds: a download keeps its last minute to record what it did");
    }
    return Duration.ofSeconds(seconds);
  }
}
