package dev.videohook.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * The local product's command line: every production command, and {@code trigger}, which works
 * against the local stack only and so is not in the production CLI jar. Built beside the tests into
 * {@code target/videohook-local-cli.jar}, which runs on {@code target/videohook-cli.jar}
 * (docs/local.md).
 */
public final class LocalCli {
  private LocalCli() {}

  public static void main(String[] args) {
    VideohookCli.main(args, LocalCli::addLocalCommands);
  }

  /** Runs one command line; returns the exit code. Logging is left as it is set up. */
  public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    return VideohookCli.run(args, env, out, err, verbosity -> {}, LocalCli::addLocalCommands);
  }

  private static void addLocalCommands(CommandLine line) {
    line.addSubcommand(TriggerCommand.commandLine());
  }
}
