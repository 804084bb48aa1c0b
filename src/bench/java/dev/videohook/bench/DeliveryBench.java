package dev.videohook.bench;

import ch.qos.logback.classic.LoggerContext;
import dev.videohook.startup.LogSetup;
import dev.videohook.job.JobStore;
import dev.videohook.metrics.Metrics;
import dev.videohook.provider.Provider;
import dev.videohook.secrets.EnvironmentTenantSecrets;
import dev.videohook.simulator.LoopbackHttpServers;
import dev.videohook.webhook.HttpApiRequest;
import dev.videohook.webhook.WebhookHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import dev.videohook.webhook.WebhookReceiver;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One delivery through the webhook function's handler, JMH: an accepted one (verify, parse, the
 * commit's UpdateItem through the real SDK client, its request marshalled and signed, the store's
 * answer unmarshalled, the log line and the metric) against a refused one (a wrong secret: verify,
 * 401, its log line), in the same run. The store's answer is produced in-process by an HTTP client
 * that reads the request and answers 200 {@code {}}, so the figure is the receiver's and the SDK's
 * CPU, not a store's. Logging is the functions' own (JSON lines), into a discarding stream. Run with
 * {@code mvn -q -Pbench -Dexec.args=delivery}; {@code -Ddelivery.jfr=FILE} records the accepted
 * path with JFR.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DeliveryBench {
  private static final String SECRET = "whsec_bench_secret_of_a_usual_length";

  /**
   * Who answers the SDK's requests: {@code in-process}, an HTTP client that reads the request and
   * answers at once; {@code keep-alive}, the functions' own URL-connection client over loopback to
   * an HTTP server in this JVM that answers the same, reusing its connection as DynamoDB does;
   * {@code close}, the same server closing each connection after its answer, as moto does, so that
   * every SDK call opens a new one.
   */
  @Param({"in-process", "keep-alive", "close"})
  public String store = "in-process";

  private HttpServer storeServer;
  private ExecutorService storeExecutor;
  private WebhookHandler handler;
  private byte[] accepted;
  private byte[] refused;
  private final ByteArrayOutputStream response = new ByteArrayOutputStream();

  @Setup
  public void setUp() throws Exception {
    productionLogging();
    SdkHttpClient http = new AnsweringClient();
    URI endpoint = URI.create("http://127.0.0.1:1");
    if (!store.equals("in-process")) {
      storeExecutor = Executors.newFixedThreadPool(2);
      storeServer = answeringServer(store.equals("close"), storeExecutor);
      http = UrlConnectionHttpClient.create();
      endpoint = URI.create("http://127.0.0.1:" + storeServer.getAddress().getPort());
    }
    DynamoDbClient dynamoDb =
        DynamoDbClient.builder()
            .httpClient(http)
            .region(Region.US_EAST_1)
            .endpointOverride(endpoint)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
            .build();
    WebhookReceiver receiver =
        new WebhookReceiver(
            new JobStore(dynamoDb, "bench-jobs"),
            new EnvironmentTenantSecrets(Map.of(Provider.OPENROUTER.webhookSecretEnv(), SECRET)),
            Duration.ofSeconds(300),
            64 * 1024,
            Clock.systemUTC());
    handler = new WebhookHandler(receiver, Metrics.toLog());
    accepted = event(SECRET);
    refused = event("wrong");
    String acceptedStatus = new String(invoke(accepted), StandardCharsets.UTF_8);
    String refusedStatus = new String(invoke(refused), StandardCharsets.UTF_8);
    if (!acceptedStatus.contains("204") || !refusedStatus.contains("401")) {
      throw new IllegalStateException(
          "expected 204 and 401, got " + acceptedStatus + " and " + refusedStatus);
    }
  }

  @TearDown
  public void tearDown() {
    if (storeServer != null) {
      storeServer.stop(0);
      storeExecutor.shutdown();
    }
  }

  /**
   * DynamoDB's answer to a successful UpdateItem ({@code {}}; to the owner's GetItem, no item), from
   * an HTTP server on loopback with threads of its own, so that this thread's CPU is the client's.
   */
  private static HttpServer answeringServer(boolean closeEachConnection, ExecutorService executor)
      throws IOException {
    // made where every local server is made: with TCP_NODELAY, or each answer waits ~40 ms for the
    // client's delayed ACK
    HttpServer server = LoopbackHttpServers.create(0, 64);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            if (closeEachConnection) {
              exchange.getResponseHeaders().add("Connection", "close");
            }
            exchange.sendResponseHeaders(200, AnsweringClient.ANSWER.length);
            exchange.getResponseBody().write(AnsweringClient.ANSWER);
          }
        });
    server.setExecutor(executor);
    server.start();
    return server;
  }

  @Benchmark
  public byte[] acceptedDelivery() throws IOException {
    return invoke(accepted);
  }

  @Benchmark
  public byte[] refusedDelivery() throws IOException {
    return invoke(refused);
  }

  /** As the Lambda runtime invokes the stream handler: the event's JSON in, the response out. */
  private byte[] invoke(byte[] event) throws IOException {
    response.reset();
    handler.handleRequest(new ByteArrayInputStream(event), response, null);
    return response.toByteArray();
  }

  /**
   * The events/ fixture's shape: a completed job with its outputs and usage, signed now (the bench
   * lasts well inside the five-minute tolerance), so every call commits the same delivery.
   */
  private static byte[] event(String secret) {
    String body =
        "{\"type\":\"video.generation.completed\",\"created_at\":\"2026-12-07T10:00:00Z\","
            + "\"data\":{\"id\":\"gen_bench_0123456789\",\"status\":\"completed\","
            + "\"model\":\"google/veo-3.1\",\"unsigned_urls\":["
            + "\"https://cdn.example.com/videos/gen_bench_0123456789/0.mp4\"],"
            + "\"usage\":{\"cost\":0.42,\"is_byok\":false}}}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return new HttpApiRequest(
            "POST /openrouter/video-webhook",
            "/acme/openrouter/video-webhook",
            "acme",
            Map.of(
                Provider.OPENROUTER.signatureHeader().toLowerCase(Locale.ROOT),
                Provider.OPENROUTER.sign(secret, Instant.now().getEpochSecond(), bytes),
                "content-type",
                "application/json"),
            body,
            false)
        .toJson();
  }

  /** The functions' own logging (LogSetup: JSON lines), written into a discarding stream. */
  private static void productionLogging() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    Method configure =
        LogSetup.class.getDeclaredMethod(
            "configure", LoggerContext.class, OutputStream.class, String.class);
    configure.setAccessible(true);
    configure.invoke(null, context, OutputStream.nullOutputStream(), "INFO");
  }

  /** DynamoDB's answer to a successful UpdateItem, produced in-process after reading the request. */
  static final class AnsweringClient implements SdkHttpClient {
    private static final byte[] ANSWER = "{}".getBytes(StandardCharsets.UTF_8);

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
      return new ExecutableHttpRequest() {
        @Override
        public HttpExecuteResponse call() throws IOException {
          Optional<software.amazon.awssdk.http.ContentStreamProvider> content =
              request.contentStreamProvider();
          if (content.isPresent()) {
            try (InputStream in = content.get().newStream()) {
              in.transferTo(OutputStream.nullOutputStream());
            }
          }
          return HttpExecuteResponse.builder()
              .response(
                  SdkHttpResponse.builder()
                      .statusCode(200)
                      .putHeader("Content-Type", "application/x-amz-json-1.0")
                      .putHeader("Content-Length", Integer.toString(ANSWER.length))
                      .build())
              .responseBody(AbortableInputStream.create(new ByteArrayInputStream(ANSWER)))
              .build();
        }

        @Override
        public void abort() {}
      };
    }

    @Override
    public String clientName() {
      return "in-process";
    }

    @Override
    public void close() {}
  }

  /**
   * CPU time of this thread per delivery, each path in turn, several rounds, the least per path:
   * on a machine shared with other work the wall-clock figure of a run is stretched by whatever
   * else runs, its CPU time much less so.
   */
  static double[] cpuMicrosPerDelivery(String store, int rounds, int perRound) throws Exception {
    DeliveryBench bench = new DeliveryBench();
    bench.store = store;
    bench.setUp();
    try {
      return leastCpuMicros(bench, rounds, perRound);
    } finally {
      bench.tearDown();
    }
  }

  private static double[] leastCpuMicros(DeliveryBench bench, int rounds, int perRound)
      throws IOException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[] least = {Double.MAX_VALUE, Double.MAX_VALUE};
    for (int round = 0; round < rounds; round++) {
      for (int path = 0; path < 2; path++) {
        long before = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < perRound; i++) {
          byte[] answer = path == 0 ? bench.acceptedDelivery() : bench.refusedDelivery();
          // a bench that measures failures measures nothing: every answer is checked
          String expected = path == 0 ? "204" : "401";
          if (!new String(answer, StandardCharsets.UTF_8).contains(expected)) {
            throw new IllegalStateException(
                bench.store
                    + ": expected "
                    + expected
                    + ", got "
                    + new String(answer, StandardCharsets.UTF_8));
          }
        }
        double micros = (threads.getCurrentThreadCpuTime() - before) / 1e3 / perRound;
        // the first rounds warm the JIT up; every round counts towards the least
        least[path] = Math.min(least[path], micros);
      }
    }
    return least;
  }

  public static void main(String[] args) throws Exception {
    System.out.printf(
        "CPU per delivery, this thread, least of 12 rounds of 2,000 each, by who answers the"
            + " SDK:%n");
    double inProcess = Double.NaN;
    for (String store : List.of("in-process", "keep-alive", "close")) {
      double[] cpu = cpuMicrosPerDelivery(store, 12, 2_000);
      if (store.equals("in-process")) {
        inProcess = cpu[0];
      }
      System.out.printf(
          "  %-10s accepted %7.1f us, refused %5.1f us, accepted / refused %6.1f,"
              + " accepted / in-process accepted %4.1f%n",
          store, cpu[0], cpu[1], cpu[0] / cpu[1], cpu[0] / inProcess);
    }
    if (List.of(args).contains("--cpu-only")) {
      return;
    }
    // JMH forks its measuring JVM with java.class.path: under exec:java that is Maven's own
    System.setProperty("java.class.path", classpath());
    String jfr = System.getProperty("delivery.jfr");
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(DeliveryBench.class.getSimpleName() + (jfr == null ? "" : ".acceptedDelivery"));
    if (jfr != null) {
      // each benchmark runs in a fork of its own: the recording is the accepted path's alone
      options.jvmArgsAppend("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    Map<String, double[]> byStore = new TreeMap<>();
    for (RunResult result : results) {
      double[] micros =
          byStore.computeIfAbsent(
              result.getParams().getParam("store"), store -> new double[] {Double.NaN, Double.NaN});
      boolean accepted = result.getParams().getBenchmark().endsWith("acceptedDelivery");
      micros[accepted ? 0 : 1] = result.getPrimaryResult().getScore();
    }
    System.out.println();
    byStore.forEach(
        (store, micros) ->
            System.out.printf(
                "%-10s accepted delivery: %.1f us/op; refused delivery: %.1f us/op;"
                    + " accepted / refused: %.1f%n",
                store, micros[0], micros[1], micros[0] / micros[1]));
  }

  private static String classpath() throws URISyntaxException {
    if (!(Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader)) {
      return System.getProperty("java.class.path");
    }
    List<String> paths = new ArrayList<>();
    for (URL url : loader.getURLs()) {
      paths.add(Path.of(url.toURI()).toString());
    }
    return String.join(java.io.File.pathSeparator, paths);
  }
}
