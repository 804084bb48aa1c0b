package dev.videohook.local;

import dev.videohook.job.JobTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * One moto server, the open-source AWS emulator, in a Python child process on one loopback port,
 * through the launcher beside this class ({@code moto_launcher.py}), which serialises requests and
 * exits when this JVM goes. The local stack runs two, one per {@link Role}: DynamoDB with Streams,
 * Secrets Manager, EventBridge and SQS in one, S3 ({@link LocalS3}) in the other. What moto
 * does differently from AWS, and how videohook handles each difference, is in {@code MOTO.md}
 * beside the launcher.
 *
 * <p>The interpreter is {@value #PYTHON_ENV} from the environment, {@code python3} by default.
 */
public final class MotoServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MotoServer.class);
  public static final Region REGION = Region.US_EAST_1;
  public static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

  /** The environment variable naming the Python interpreter that has moto. */
  public static final String PYTHON_ENV = "VIDEOHOOK_PYTHON";

  /** The moto this project is checked against; what the missing-moto message asks to install. */
  public static final String MOTO_REQUIREMENT = "moto[server]==5.2.1";

  private static final Duration STARTUP = Duration.ofSeconds(60);

  /**
   * What a moto process is started for: every service answers on any moto port, but each process is
   * used for one role, so that S3's large uploads never queue behind the launcher's lock with the
   * DynamoDB calls of the stack (see {@code MOTO.md}).
   */
  public enum Role {
    /** DynamoDB with Streams, Secrets Manager, EventBridge and SQS. */
    TABLES("DynamoDB, Secrets Manager, EventBridge, SQS"),
    /** S3 alone ({@link LocalS3}). */
    S3("S3");

    private final String services;

    Role(String services) {
      this.services = services;
    }
  }

  private final Process process;
  private final URI endpoint;
  private final Path log;
  private final Role role;
  private final DynamoDbClient dynamoDb;
  private volatile boolean closing;

  private MotoServer(Process process, int port, Path log, Role role) {
    this.process = process;
    this.endpoint = URI.create("http://127.0.0.1:" + port);
    this.log = log;
    this.role = role;
    this.dynamoDb = configure(DynamoDbClient.builder(), endpoint).build();
  }

  /** On a free loopback port. */
  public static MotoServer start() {
    return start(System.getenv(), "127.0.0.1", 0);
  }

  /**
   * On {@code host:port} ({@code 0.0.0.0} where a container must reach it; port 0 for a free one).
   *
   * @throws MotoException naming what to do when moto is missing, the port is taken, or the server
   *     does not come up
   */
  public static MotoServer start(Map<String, String> environment, String host, int port) {
    return start(environment, host, port, Role.TABLES);
  }

  /**
   * As {@link #start(Map, String, int)}, for {@code role}.
   *
   * @throws MotoException naming what to do when moto is missing, the port is taken, or the server
   *     does not come up
   */
  public static MotoServer start(
      Map<String, String> environment, String host, int port, Role role) {
    String python = Optional.ofNullable(environment.get(PYTHON_ENV)).orElse("python3");
    try {
      return launch(python, host, port, role);
    } catch (MotoMissing missing) {
      String venvPython = MotoVenv.python(python, environment, missing.getMessage());
      try {
        return launch(venvPython, host, port, role);
      } catch (MotoMissing stillMissing) {
        throw new MotoException(
            venvPython
                + " has no moto ("
                + stillMissing.getMessage()
                + "). Run `"
                + installCommand(python)
                + "`, or set "
                + PYTHON_ENV
                + " to a Python that has moto.");
      }
    }
  }

  /** moto is not installed for the interpreter: its import error. */
  private static final class MotoMissing extends Exception {
    private static final long serialVersionUID = 1L;

    MotoMissing(String importError) {
      super(importError, null, false, false);
    }
  }

  private static MotoServer launch(String python, String host, int port, Role role)
      throws MotoMissing {
    Path script = launcherScript();
    Path log = tempFile("moto-", ".log");
    Process process;
    try {
      process =
          new ProcessBuilder(
                  python, script.toString(), "--host", host, "--port", Integer.toString(port))
              .redirectError(log.toFile())
              .start();
    } catch (IOException e) {
      throw new MotoException(
          "cannot run "
              + python
              + " ("
              + e.getMessage()
              + "). The local stack needs Python 3 with moto: install Python 3, then run `"
              + installCommand(python)
              + "`, or set "
              + PYTHON_ENV
              + " to a Python that has moto.");
    }
    CompletableFuture<String> firstLine =
        CompletableFuture.supplyAsync(() -> readLine(process.getInputStream()));
    String line;
    try {
      line = firstLine.get(STARTUP.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new MotoException(
          "moto did not start within " + STARTUP.toSeconds() + " s." + tail(log));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new MotoException("interrupted while moto was starting");
    } catch (ExecutionException e) {
      process.destroyForcibly();
      throw new MotoException("moto's output could not be read: " + e.getCause());
    }
    if (line != null && line.startsWith("READY ")) {
      MotoServer server =
          new MotoServer(process, Integer.parseInt(line.substring(6).trim()), log, role);
      process.onExit().thenAccept(p -> server.exited(p.exitValue()));
      return server;
    }
    process.destroyForcibly();
    if (line != null && line.startsWith("MOTO_MISSING")) {
      throw new MotoMissing(line.substring("MOTO_MISSING".length()).trim());
    }
    if (line != null && line.startsWith("PORT_TAKEN")) {
      throw new MotoException(
          "port "
              + port
              + " on "
              + host
              + " is taken by another program: stop it (e.g. an earlier run still serving), or"
              + " free the port.");
    }
    throw new MotoException("moto exited before it was ready." + tail(log));
  }

  private void exited(int code) {
    if (!closing) {
      LOG.error(
          "moto ({} at {}) exited with code {}; every call to them now fails. Stop and start the"
              + " local stack again.{}",
          role.services,
          endpoint,
          code,
          tail(log));
    }
  }

  static String installCommand(String python) {
    return python + " -m pip install '" + MOTO_REQUIREMENT + "'";
  }

  private static String readLine(InputStream in) {
    try {
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last lines moto wrote on stderr, for an error message. */
  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        return "";
      }
      return " Its last output:\n  "
          + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  /** The launcher out of the class path into a file the interpreter can run. */
  private static Path launcherScript() {
    Path script = tempFile("moto_launcher-", ".py");
    try (InputStream in = MotoServer.class.getResourceAsStream("moto_launcher.py")) {
      if (in == null) {
        throw new IllegalStateException("moto_launcher.py is missing from the class path");
      }
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      return script;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tempFile(String prefix, String suffix) {
    try {
      Path file = Files.createTempFile(prefix, suffix);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client builder pointed at {@code endpoint}, any region, dummy credentials. */
  public static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
      B builder, URI endpoint) {
    return builder
        .endpointOverride(endpoint)
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create());
  }

  public URI endpoint() {
    return endpoint;
  }

  /** The launcher's process id. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * True while the launcher lives and accepts a connection on its port within {@code timeout}: what
   * serve's console asks when a webhook was answered 5xx, to say whether moto is why.
   */
  public boolean isReachable(Duration timeout) {
    if (!process.isAlive()) {
      return false;
    }
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(endpoint.getHost(), endpoint.getPort()),
          (int) Math.max(1, timeout.toMillis()));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs {@code action} with moto's exit code if it exits before {@link #close()}. */
  public void onUnexpectedExit(IntConsumer action) {
    process
        .onExit()
        .thenAccept(
            p -> {
              if (!closing) {
                action.accept(p.exitValue());
              }
            });
  }

  public DynamoDbClient client() {
    return dynamoDb;
  }

  public DynamoDbStreamsClient streamsClient() {
    return configure(DynamoDbStreamsClient.builder(), endpoint).build();
  }

  public SecretsManagerClient secretsClient() {
    return configure(SecretsManagerClient.builder(), endpoint).build();
  }

  public EventBridgeClient eventsClient() {
    return configure(EventBridgeClient.builder(), endpoint).build();
  }

  public SqsClient sqsClient() {
    return configure(SqsClient.builder(), endpoint).build();
  }

  /** Creates the jobs table as template.yaml declares it, and waits until it is active. */
  public void createJobTable(String tableName) {
    dynamoDb.createTable(JobTable.createTableRequest(tableName));
    dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(tableName));
  }

  @Override
  public void close() {
    closing = true;
    dynamoDb.close();
    try {
      process.getOutputStream().close(); // the launcher exits when its stdin closes
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** moto could not be started or used; the message says what to do. */
  public static final class MotoException extends RuntimeException {
    MotoException(String message) {
      super(message);
    }
  }
}
