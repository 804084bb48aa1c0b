package dev.videohook.cli;

import dev.videohook.config.AwsClients;
import dev.videohook.config.ConfigurationException;
import dev.videohook.config.LocalMode;
import dev.videohook.config.Settings;
import dev.videohook.config.SharedConfig;
import dev.videohook.download.DownloadConfig;
import dev.videohook.egress.UrlPolicy;
import dev.videohook.job.JobStore;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderClient;
import dev.videohook.secrets.SecretValues;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * What the commands need from the environment, each piece built when a command asks for it, with an
 * error that names the variable to set.
 */
final class CliEnvironment {
  static final String API_URL = "VIDEOHOOK_API_URL";

  /** The settings file the shell loaded, which the local stack writes into it (its own path). */
  static final String SETTINGS_FILE = "VIDEOHOOK_SETTINGS_FILE";

  /** How a shell loads the local stack's settings, which serve writes. */
  static final String LOAD_LOCAL = "set -a; . target/local.env; set +a";

  /** How a shell loads a deployed stack's settings, from its CloudFormation outputs. */
  static final String LOAD_DEPLOYED =
      "videohook env --stack NAME > stack.env; set -a; . stack.env; set +a";

  /** What the missing AWS credentials are called in the list of missing settings. */
  static final String CREDENTIALS =
      "AWS credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)";

  private static final int CONNECT_TIMEOUT_MILLIS = 2000;

  private final Map<String, String> env;

  CliEnvironment(Map<String, String> env) {
    this.env = env;
  }

  /** The whole environment, for a component that reads its own settings from it. */
  Map<String, String> variables() {
    return env;
  }

  Optional<String> get(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  String require(String name, String howToFix) {
    return get(name)
        .orElseThrow(
            () -> new CliException(ExitCode.CONFIGURATION, name + " is not set. " + howToFix));
  }

  /**
   * Local mode ({@code DOWNLOAD_ALLOW_LOOPBACK_HTTP=true}, the local stack's switch): plain http to
   * a loopback API base is allowed. Otherwise the bearer key only travels over https.
   */
  boolean localMode() {
    return get(LocalMode.LOOPBACK_HTTP)
        .map(v -> v.equalsIgnoreCase("true") || v.equals("1"))
        .orElse(false);
  }

  /**
   * The provider API base: {@code --api-base}, else {@code OPENROUTER_API_BASE} / {@code
   * MODELGATES_API_BASE}, else the provider's. It must be https (plain http only to a loopback host
   * in local mode): an option that is not gets exit code 2, a variable exit code 3.
   */
  URI apiBase(Provider provider, URI override) {
    if (override != null) {
      if (!UrlPolicy.isAllowed(override, localMode())) {
        throw new CliException(ExitCode.USAGE, "--api-base " + httpsOnly(override));
      }
      return override;
    }
    URI base =
        get(provider.apiBaseEnv())
            .map(text -> uri(provider.apiBaseEnv(), text))
            .orElse(provider.defaultApiBase());
    if (!UrlPolicy.isAllowed(base, localMode())) {
      throw new CliException(ExitCode.CONFIGURATION, provider.apiBaseEnv() + " " + httpsOnly(base));
    }
    return base;
  }

  private static String httpsOnly(URI uri) {
    return "must be an https URL (plain http only to a loopback host, with "
        + LocalMode.LOOPBACK_HTTP
        + "=true for the local stack): the API key would travel in cleartext to "
        + UrlPolicy.redacted(uri);
  }

  ProviderClient providerClient(Provider provider, URI apiBaseOverride) {
    URI base = apiBase(provider, apiBaseOverride);
    String key =
        apiKey(provider)
            .orElseThrow(
                () ->
                    new CliException(
                        ExitCode.CONFIGURATION,
                        provider.apiKeyEnv()
                            + " is not set. Export your "
                            + provider.id()
                            + " API key in it (it is never printed)."));
    return new ProviderClient(provider, base, key);
  }

  /** A client for calls the provider may answer without a key: the key goes along when set. */
  ProviderClient publicProviderClient(Provider provider, URI apiBaseOverride) {
    URI base = apiBase(provider, apiBaseOverride);
    return new ProviderClient(provider, base, apiKey(provider).orElse(null));
  }

  private Optional<String> apiKey(Provider provider) {
    try {
      return SecretValues.clean(provider.apiKeyEnv(), env.get(provider.apiKeyEnv()));
    } catch (ConfigurationException invalid) {
      throw new CliException(ExitCode.CONFIGURATION, String.join("; ", invalid.problems()));
    }
  }

  /**
   * Checks, before a command acts, every setting of the stack it needs, and names all that are
   * missing at once (exit 3) with how to load them: a shell without the settings file loaded then
   * learns it in one answer, not one variable per try. {@code JOBS_TABLE} among {@code names} also
   * needs AWS credentials, unless an emulator endpoint (the local stack) is set or named.
   */
  void requireStack(String... names) {
    requireStack(Map.of(), names);
  }

  /**
   * As {@link #requireStack(String...)}, saying for a missing setting named in {@code instead} what
   * the command takes in its place (an option, for this run alone).
   */
  void requireStack(Map<String, String> instead, String... names) {
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      if (get(name).isEmpty()) {
        missing.add(name);
      }
    }
    if (List.of(names).contains(SharedConfig.JOBS_TABLE)
        && !List.of(names).contains(SharedConfig.DYNAMODB_ENDPOINT)
        && get(SharedConfig.DYNAMODB_ENDPOINT).isEmpty()
        && !hasAwsCredentials()) {
      missing.add(CREDENTIALS);
    }
    if (missing.isEmpty()) {
      return;
    }
    // a provider's API key is the user's own: no stack's settings hold it but the local one's
    List<String> keys =
        Arrays.stream(Provider.values())
            .map(Provider::apiKeyEnv)
            .filter(missing::contains)
            .toList();
    StringBuilder message = new StringBuilder("not set: " + String.join(", ", missing) + ".");
    if (keys.size() < missing.size()) {
      message
          .append(" Load the stack's settings into this shell:\n")
          .append("  the local stack:   ")
          .append(LOAD_LOCAL)
          .append("\n")
          .append("  a deployed stack:  ")
          .append(LOAD_DEPLOYED);
    }
    for (String key : keys) {
      message
          .append("\n  your API key:      export ")
          .append(key)
          .append("=… (never printed; the local stack's file sets the simulator's)");
    }
    instead.forEach(
        (name, option) -> {
          if (missing.contains(name)) {
            message.append("\n  or, for this run alone: ").append(option);
          }
        });
    throw new CliException(ExitCode.CONFIGURATION, message.toString());
  }

  private static boolean hasAwsCredentials() {
    try {
      AwsClients.credentials(Optional.empty()).resolveCredentials();
      return true;
    } catch (RuntimeException none) {
      return false;
    }
  }

  /** Which settings file the shell loaded, in words, for an answer about an unreachable stack. */
  private String settingsSource() {
    return get(SETTINGS_FILE)
        .map(file -> "the settings read are from " + file + " (" + SETTINGS_FILE + ")")
        .orElse("no settings file was loaded (" + SETTINGS_FILE + " is not set)");
  }

  boolean hasJobTable() {
    return get(SharedConfig.JOBS_TABLE).isPresent();
  }

  /** The jobs table named by {@code JOBS_TABLE}, the shared settings read as the functions do. */
  JobStore jobStore() {
    SharedConfig shared = checkJobTable();
    return new JobStore(AwsClients.dynamoDb(shared), shared.tableName());
  }

  /**
   * Checks what a command that reads or writes jobs needs: {@code JOBS_TABLE} set, and the DynamoDB
   * endpoint answering (or AWS credentials found).
   */
  SharedConfig checkJobTable() {
    requireStack(SharedConfig.JOBS_TABLE);
    SharedConfig shared = shared();
    reachable(SharedConfig.DYNAMODB_ENDPOINT, shared.dynamoDbEndpoint());
    return shared;
  }

  /** Presigns GET URLs of stored videos; {@code S3_ENDPOINT} points it at the local stack. */
  S3Presigner presigner() {
    return AwsClients.s3Presigner(s3Settings());
  }

  /**
   * Checks, before a download is tried, what a download needs from this machine: S3 reachable with
   * credentials, and {@code VIDEO_BUCKET} there. A mistake here is answered as a setting (exit 3)
   * and never noted on a job as a failed download.
   */
  void checkVideoBucket() {
    String bucket =
        require(
            DownloadConfig.VIDEO_BUCKET,
            "Set it to the video bucket (the stack output VideoBucketName), or to videohook-videos"
                + " for the local stack.");
    try (S3Client s3 = AwsClients.s3(s3Settings())) {
      s3.headBucket(b -> b.bucket(bucket));
    } catch (NoSuchBucketException e) {
      throw new CliException(
          ExitCode.CONFIGURATION,
          DownloadConfig.VIDEO_BUCKET + " '" + bucket + "' does not exist here: check it");
    } catch (S3Exception e) {
      throw new CliException(
          ExitCode.CONFIGURATION,
          DownloadConfig.VIDEO_BUCKET
              + " '"
              + bucket
              + "' cannot be used (S3 answered "
              + e.statusCode()
              + "): check it, and that your credentials may write to it");
    }
  }

  /**
   * The shared settings for an S3 call, checked: an emulator endpoint for DynamoDB but none for S3
   * would send the local stack's work to AWS with whatever credentials this shell has.
   */
  private SharedConfig s3Settings() {
    SharedConfig shared = shared();
    if (shared.dynamoDbEndpoint().isPresent() && shared.s3Endpoint().isEmpty()) {
      throw new CliException(
          ExitCode.CONFIGURATION,
          SharedConfig.S3_ENDPOINT
              + " is not set, but "
              + SharedConfig.DYNAMODB_ENDPOINT
              + " is (the local stack): set "
              + SharedConfig.S3_ENDPOINT
              + " to the local S3 endpoint that serve mode prints, or unset both for AWS.");
    }
    reachable(SharedConfig.S3_ENDPOINT, shared.s3Endpoint());
    return shared;
  }

  /**
   * An emulator endpoint must answer before a client is pointed at it; without one, AWS needs
   * credentials, which are looked for now rather than in the middle of a command.
   */
  private void reachable(String name, Optional<URI> endpoint) {
    if (endpoint.isEmpty()) {
      try {
        AwsClients.credentials(Optional.empty()).resolveCredentials();
      } catch (RuntimeException e) {
        throw new CliException(ExitCode.CONFIGURATION, SetupProblems.NO_CREDENTIALS);
      }
      return;
    }
    URI uri = endpoint.get();
    int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), port), CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      throw new CliException(
          ExitCode.CONFIGURATION,
          name
              + " "
              + uri
              + " does not answer ("
              + e.getClass().getSimpleName()
              + "): is the local stack running? "
              + settingsSource()
              + ". Start it with mvn -q -Plocal -Dexec.args=serve and load the settings file its"
              + " banner names (by default: "
              + LOAD_LOCAL
              + ")");
    }
  }

  private SharedConfig shared() {
    Map<String, String> settings = new HashMap<>(env);
    // a shell configured for the AWS CLI often sets only AWS_DEFAULT_REGION
    get("AWS_DEFAULT_REGION").ifPresent(r -> settings.putIfAbsent(SharedConfig.AWS_REGION, r));
    Settings reader = new Settings(settings);
    SharedConfig shared = SharedConfig.read(reader);
    reader.check();
    return shared;
  }

  static URI uri(String name, String text) {
    try {
      URI uri = new URI(text);
      if (uri.getScheme() != null && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException ignored) {
      // reported below
    }
    throw new CliException(
        ExitCode.CONFIGURATION,
        name + " must be an absolute URL such as https://example.com, got '" + text + "'");
  }
}
