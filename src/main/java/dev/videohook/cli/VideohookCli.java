package dev.videohook.cli;

import dev.videohook.config.ConfigurationException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import software.amazon.awssdk.core.exception.SdkException;

/** The {@code videohook} command line: one entry point, {@code --help} on every command. */
@Command(
    name = "videohook",
    mixinStandardHelpOptions = true,
    version = "videohook 0.1.0",
    description =
        "Submit AI video jobs to OpenRouter or ModelGates and follow them to a stored file.",
    subcommands = {
      SubmitCommand.class,
      ModelsCommand.class,
      StatusCommand.class,
      JobsCommand.class,
      SendTestCommand.class,
      SignEventCommand.class,
      ReplayCommand.class,
      ReconcileCommand.class,
      RedriveCommand.class,
      UrlCommand.class,
      CostsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class VideohookCli {
  final CliEnvironment env;

  VideohookCli(Map<String, String> env) {
    this.env = new CliEnvironment(env);
  }

  public static void main(String[] args) {
    System.exit(
        run(
            args,
            System.getenv(),
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true)));
  }

  /** Runs one command line; returns the exit code. */
  public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new VideohookCli(env));
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(
        (exception, line, parseResult) -> {
          if (exception instanceof CliException known) {
            line.getErr().println("error: " + known.getMessage());
            return known.exitCode();
          }
          if (exception instanceof ConfigurationException configuration) {
            configuration.problems().forEach(problem -> line.getErr().println("error: " + problem));
            return ExitCode.CONFIGURATION;
          }
          // AWS's messages carry no provider header; any other message might quote one (a key)
          line.getErr()
              .println(
                  "error: "
                      + exception.getClass().getSimpleName()
                      + (exception instanceof SdkException ? ": " + exception.getMessage() : ""));
          return ExitCode.FAILED;
        });
    return commandLine.execute(args);
  }
}
