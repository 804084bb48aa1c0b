package dev.videohook.cli;

/** Exit codes a script can act on. */
final class ExitCode {
  static final int OK = 0;

  /** The provider or the receiver said no, or the job is not there. */
  static final int FAILED = 1;

  /** Wrong arguments (picocli's own code). */
  static final int USAGE = 2;

  /** A setting is missing or invalid: the message names it. */
  static final int CONFIGURATION = 3;

  /**
   * A download of the job is running elsewhere (the stream's, or another replay's or redrive's):
   * nothing was started and nothing changed. Try again once it ends (sysexits' EX_TEMPFAIL).
   */
  static final int DOWNLOAD_RUNNING = 75;

  private ExitCode() {}
}
