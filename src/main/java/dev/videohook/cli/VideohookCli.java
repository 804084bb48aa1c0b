package dev.videohook.cli;

import dev.videohook.config.ConfigurationException;
import dev.videohook.startup.LogSetup;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import software.amazon.awssdk.core.exception.SdkException;

/** The {@code videohook} command line: one entry point, {@code --help} on every command. */
@Command(
    name = "videohook",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Submit AI video jobs to a provider (see --provider) and follow them to a stored file.",
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
      CreditsCommand.class,
      EnvCommand.class,
      SmokeCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class VideohookCli {
  final CliEnvironment env;

  @Option(
      names = {"-v", "--verbose"},
      scope = CommandLine.ScopeType.INHERIT,
      description = "Log lines and metric documents on standard error (-vv: more).")
  boolean[] verbose = new boolean[0];

  VideohookCli(Map<String, String> env) {
    this.env = new CliEnvironment(env);
  }

  public static void main(String[] args) {
    main(args, line -> {});
  }

  /**
   * Runs the command line of this process and exits with its code; {@code extend} adds commands
   * (the local product's {@code trigger}, {@code LocalCli}) before anything is configured, so they
   * get the same output, logging and error handling.
   */
  static void main(String[] args, Consumer<CommandLine> extend) {
    // before any command runs: results alone on standard output, whatever a class logs
    LogSetup.forCommandLine(0);
    System.exit(
        run(
            args,
            System.getenv(),
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true),
            LogSetup::forCommandLine,
            extend));
  }

  /** Runs one command line; returns the exit code. Logging is left as it is set up. */
  public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    return run(args, env, out, err, verbosity -> {}, line -> {});
  }

  /**
   * Runs one command line; {@code logging} is given the number of {@code -v} before the command
   * runs.
   */
  static int run(
      String[] args,
      Map<String, String> env,
      PrintWriter out,
      PrintWriter err,
      IntConsumer logging,
      Consumer<CommandLine> extend) {
    CommandLine commandLine = new CommandLine(new VideohookCli(env));
    // first: the settings below reach only the subcommands present when they are set
    extend.accept(commandLine);
    // provider-supplied text (models, errors) reaches the terminal without control sequences
    commandLine.setOut(new PrintWriter(new TerminalSafeWriter(out), true));
    commandLine.setErr(new PrintWriter(new TerminalSafeWriter(err), true));
    commandLine.setExecutionStrategy(
        parseResult -> {
          logging.accept(verbosity(parseResult));
          return new CommandLine.RunLast().execute(parseResult);
        });
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
          Optional<String> setup = SetupProblems.describe(exception);
          if (setup.isPresent()) {
            line.getErr().println("error: " + setup.get());
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
    try {
      return commandLine.execute(args);
    } finally {
      commandLine.getOut().flush();
      commandLine.getErr().flush();
    }
  }

  /** How many {@code -v} were given, before the command's name or after it. */
  private static int verbosity(ParseResult parseResult) {
    int count = 0;
    for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
      OptionSpec option = level.matchedOption("--verbose");
      if (option != null) {
        boolean[] flags = option.getValue();
        count = Math.max(count, flags == null ? 0 : flags.length);
      }
    }
    return count;
  }
}
