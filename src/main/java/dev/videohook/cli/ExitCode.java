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

  private ExitCode() {}
}
