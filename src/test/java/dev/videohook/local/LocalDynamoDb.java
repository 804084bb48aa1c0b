package dev.videohook.local;

import dev.videohook.job.JobTable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/** DynamoDB Local, in memory, on a free loopback port: the real DynamoDB protocol, no AWS. */
public final class LocalDynamoDb implements AutoCloseable {
  public static final Region REGION = Region.US_EAST_1;
  public static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));

  private final DynamoDBProxyServer server;
  private final URI endpoint;
  private final DynamoDbClient client;

  private LocalDynamoDb(DynamoDBProxyServer server, URI endpoint) {
    this.server = server;
    this.endpoint = endpoint;
    this.client = client(endpoint);
  }

  public static LocalDynamoDb start() {
    return start(freePort());
  }

  /** On a given port, every interface (DynamoDB Local's own default). */
  public static LocalDynamoDb start(int port) {
    return start(port, "-inMemory");
  }

  /**
   * Tables kept in one file under {@code directory}, on a given port: stopped and started again on
   * the same directory and port, it still holds every item written before, as DynamoDB would after
   * an outage.
   */
  public static LocalDynamoDb startOnDisk(Path directory, int port) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + directory, e);
    }
    return start(port, "-sharedDb", "-dbPath", directory.toAbsolutePath().toString());
  }

  private static LocalDynamoDb start(int port, String... storage) {
    List<String> args = new ArrayList<>(List.of(storage));
    args.addAll(List.of("-port", Integer.toString(port), "-disableTelemetry"));
    try {
      DynamoDBProxyServer server;
      PrintStream console = System.out;
      // DynamoDB Local prints a configuration banner on stdout; keep the console for the demo
      System.setOut(new PrintStream(OutputStream.nullOutputStream()));
      try {
        server = ServerRunner.createServerFromCommandLineArgs(args.toArray(String[]::new));
        server.start();
      } finally {
        System.setOut(console);
      }
      return new LocalDynamoDb(server, URI.create("http://127.0.0.1:" + port));
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not start on port " + port, e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  public DynamoDbClient client() {
    return client;
  }

  public static DynamoDbClient client(URI endpoint) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  public DynamoDbStreamsClient streamsClient() {
    return DynamoDbStreamsClient.builder()
        .endpointOverride(endpoint)
        .region(REGION)
        .credentialsProvider(CREDENTIALS)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /** Creates the jobs table as template.yaml declares it, and waits until it is active. */
  public void createJobTable(String tableName) {
    client.createTable(JobTable.createTableRequest(tableName));
    client.waiter().waitUntilTableExists(b -> b.tableName(tableName));
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port", e);
    }
  }

  @Override
  public void close() {
    client.close();
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("DynamoDB Local did not stop", e);
    }
  }
}
