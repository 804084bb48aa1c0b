package dev.videohook.cli;

import dev.videohook.local.LocalVideohook;
import dev.videohook.provider.Provider;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.ProviderSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the command-line suites run against: the local stack and the simulated provider (whose jobs
 * stay pending, so a test decides when they finish), the environment a user would set for them, and
 * a way to run a command and keep what it printed.
 */
public final class CliStack implements BeforeAllCallback, AfterAllCallback {
  /** One run of the command line: its exit code and what it printed. */
  public record Run(int exitCode, String out, String err) {
    /** The job id {@code submit} printed on its "submitted" line. */
    public String submittedJobId() {
      return out.lines()
          .filter(l -> l.startsWith("submitted"))
          .findFirst()
          .orElseThrow()
          .split(" job ")[1]
          .split(" ")[0];
    }
  }

  private final String apiKey;
  private LocalVideohook stack;
  private ProviderSimulator simulator;

  /** A stack whose simulator accepts {@code apiKey}. */
  CliStack(String apiKey) {
    this.apiKey = apiKey;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    stack = LocalVideohook.start(0, Map.of());
    simulator =
        ProviderSimulator.start(
            Provider.OPENROUTER,
            apiKey,
            LocalVideohook.DEFAULT_SECRET,
            Faults.none().withCompletionDelay(Duration.ofHours(1)));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (simulator != null) {
      simulator.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  LocalVideohook stack() {
    return stack;
  }

  ProviderSimulator simulator() {
    return simulator;
  }

  /** The settings that point the command line at both, in a map a test may add to. */
  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("OPENROUTER_API_KEY", apiKey);
    env.put("OPENROUTER_API_BASE", simulator.apiBase().toString());
    env.put("DOWNLOAD_ALLOW_LOOPBACK_HTTP", "true"); // local mode: the simulator is plain http
    env.put("JOBS_TABLE", LocalVideohook.TABLE);
    env.put("DYNAMODB_ENDPOINT", stack.dynamoDbEndpoint().toString());
    env.put("AWS_REGION", "us-east-1");
    env.put("VIDEOHOOK_API_URL", stack.apiBase().toString());
    return env;
  }

  /** {@code submit -p openrouter} and then {@code options}: what every submit here starts with. */
  public static String[] submitArgs(String... options) {
    List<String> args = new ArrayList<>(List.of("submit", "-p", "openrouter"));
    args.addAll(List.of(options));
    return args.toArray(String[]::new);
  }

  /** Runs the command line in this JVM with {@code env} as its environment. */
  public static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = VideohookCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  /** A run of the local product's command line: the production commands, and {@code trigger}. */
  static Run runLocal(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = LocalCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }
}
