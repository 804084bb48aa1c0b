package dev.videohook.local;

import dev.videohook.config.LocalMode;
import dev.videohook.config.SharedConfig;
import dev.videohook.download.DownloadConfig;
import dev.videohook.provider.Provider;
import dev.videohook.reconcile.ReconcileConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings file serve mode writes: every variable the command line needs to work against this
 * stack (submit, status, jobs, costs, url, replay, redrive, reconcile, send-test, trigger), as
 * {@code NAME=value} lines a shell loads with {@link #LOAD}.
 */
public final class LocalEnvFile {
  /** Where serve writes it by default. */
  public static final Path DEFAULT = Path.of("target", "local.env");

  /** How a POSIX shell loads it (every line exported). */
  public static final String LOAD = "set -a; . %s; set +a";

  /** What the command line reads to reach the webhook server (send-test, trigger). */
  static final String API_URL = "VIDEOHOOK_API_URL";

  /**
   * The file's own path, in the file: the command line names it when the stack does not answer, so
   * a user with two stacks sees which one their shell points at.
   */
  static final String SETTINGS_FILE = "VIDEOHOOK_SETTINGS_FILE";

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  private LocalEnvFile() {}

  /**
   * The variables, in the order written. A signing secret the user set in the environment is left
   * out: it is theirs, and already where their shell has it.
   */
  public static Map<String, String> variables(LocalVideohook stack) {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put(SharedConfig.AWS_REGION, MotoServer.REGION.id());
    vars.put(SharedConfig.JOBS_TABLE, LocalVideohook.TABLE);
    vars.put(SharedConfig.DYNAMODB_ENDPOINT, stack.dynamoDbEndpoint().toString());
    vars.put(SharedConfig.S3_ENDPOINT, stack.s3Endpoint().toString());
    vars.put(DownloadConfig.VIDEO_BUCKET, LocalVideohook.BUCKET);
    vars.put(LocalMode.LOOPBACK_HTTP, "true");
    vars.put(API_URL, stack.apiBase().toString());
    // the tenants served, so that a command given another one refuses it before it does anything
    vars.put(LocalSecrets.TENANTS_ENV, String.join(",", stack.tenants()));
    for (Provider provider : Provider.values()) {
      vars.put(provider.apiBaseEnv(), stack.simulator(provider).apiBase().toString());
      vars.put(provider.apiKeyEnv(), LocalVideohook.SIMULATOR_API_KEY);
      if (stack.usesDefaultSecret(provider)) {
        vars.put(provider.webhookSecretEnv(), stack.webhookSecret(provider));
      }
    }
    Map<String, String> reconcile = stack.reconcileSettings();
    for (String name :
        List.of(
            ReconcileConfig.RECONCILE_MIN_AGE_SECONDS, ReconcileConfig.RECONCILE_DEADLINE_SECONDS)) {
      if (reconcile.get(name) != null) {
        vars.put(name, reconcile.get(name));
      }
    }
    return vars;
  }

  /**
   * The stack whose settings {@code file} holds, when that is another stack than {@code stack} and
   * it answers now: a file a running serve owns, which a second serve must not overwrite.
   */
  public static Optional<URI> runningOwner(Path file, LocalVideohook stack) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String apiUrl;
    try {
      apiUrl = read(file).get(API_URL);
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    }
    if (apiUrl == null || apiUrl.equals(stack.apiBase().toString())) {
      return Optional.empty();
    }
    try {
      URI owner = URI.create(apiUrl);
      HttpClient client = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
      HttpResponse<Void> answer =
          client.send(
              HttpRequest.newBuilder(owner.resolve("/events")).timeout(PROBE_TIMEOUT).build(),
              HttpResponse.BodyHandlers.discarding());
      return answer.statusCode() == 200 ? Optional.of(owner) : Optional.empty();
    } catch (IOException | IllegalArgumentException nobodyThere) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Where a second stack on {@code port} writes its settings, beside {@code taken}. */
  public static Path forPort(Path taken, int port) {
    return taken.resolveSibling("local-" + port + ".env");
  }

  /** Writes {@link #variables} to {@code file}, its folder created when missing. */
  public static void write(Path file, LocalVideohook stack) throws IOException {
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    StringBuilder text = new StringBuilder();
    text.append("# videohook local stack (serve mode): the command line's settings.\n");
    text.append("# Load them with: ").append(String.format(LOAD, file)).append('\n');
    text.append(SETTINGS_FILE).append('=').append(file).append('\n');
    for (Map.Entry<String, String> entry : variables(stack).entrySet()) {
      text.append(entry.getKey()).append('=').append(entry.getValue()).append('\n');
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** The {@code NAME=value} lines of a file written by {@link #write}, comments skipped. */
  public static Map<String, String> read(Path file) throws IOException {
    Map<String, String> vars = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        vars.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return vars;
  }
}
