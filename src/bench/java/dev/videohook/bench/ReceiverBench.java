package dev.videohook.bench;

import dev.videohook.event.VideoEvent;
import dev.videohook.job.Delivery;
import dev.videohook.job.Job;
import dev.videohook.job.JobItems;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.JobTable;
import dev.videohook.local.LocalApiServer;
import dev.videohook.local.LocalVideohook;
import dev.videohook.provider.Provider;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Webhook intake, videohook against the provider guide's Express receiver, driven by the same
 * client in the same process: signed deliveries at a fixed concurrency, throughput and latency
 * percentiles, and their ratio. The Express receiver verifies and logs only; videohook also commits
 * each delivery to moto, so the ratio is the price of a durable exactly-once commit on this
 * machine. Two more series, in the same run, write to the same moto table from this process: one
 * conditional PutItem of a job-sized item each (the floor under a one-write commit), and the
 * receiver's own commit ({@code JobStore.recordDelivery}) alone. moto bounds every rate here, so
 * beside each series is the CPU time of this JVM's threads per call (the load generator's and the
 * JIT compiler's excluded): videohook's cost apart from the store, which a regression moves.
 */
@Command(name = "receiver-bench", mixinStandardHelpOptions = true)
public final class ReceiverBench implements Callable<Integer> {
  @Option(
      names = "--requests",
      defaultValue = "3000",
      description = "Deliveries per receiver and round (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(
      names = "--concurrency",
      defaultValue = "16",
      description = "Deliveries in flight (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--warm-up-rounds",
      defaultValue = "3",
      description = "Unmeasured rounds of every series first (default: ${DEFAULT-VALUE}).")
  int warmUpRounds;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description =
          "Measured rounds of every series; the best is reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--guide-dir",
      description =
          "A folder with the guide's server.ts and node_modules (npm install done); without it only videohook is measured.")
  Path guideDir;

  /**
   * The load generator: OkHttp's blocking calls do their I/O on the calling thread, one keep-alive
   * connection per sender, so the client takes less of the two cores from the receivers under test
   * than an asynchronous client's hand-offs would.
   */
  private OkHttpClient http;

  private static final MediaType JSON = MediaType.get("application/json");

  /**
   * @param cpuMicrosPerCall CPU time of this JVM's threads during the series (the load generator's
   *     and the JIT compiler's excluded), per call: the receiver's cost apart from the store (moto
   *     and Express are processes of their own, not counted); near zero for the series this JVM
   *     only drives
   * @param apiCpuMicrosPerCall of it, the API stand-in's request threads and its HTTP server's
   *     dispatcher, per call: the work a Lambda invocation would do (the HTTP exchange aside)
   * @param sendersCpuMicrosPerCall the senders' own CPU per call: the load generator's for an
   *     HTTP series, the SDK call itself for a series that writes to moto from this process
   * @param cpuMicrosByThreads the same, by thread name (numbers dropped), per call
   */
  record Result(
      String name,
      double perSecond,
      double p50Millis,
      double p99Millis,
      int non2xx,
      double cpuMicrosPerCall,
      double apiCpuMicrosPerCall,
      double sendersCpuMicrosPerCall,
      Map<String, Double> cpuMicrosByThreads) {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReceiverBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    http =
        new OkHttpClient.Builder()
            .connectionPool(new ConnectionPool(concurrency, 5, TimeUnit.MINUTES))
            .protocols(List.of(Protocol.HTTP_1_1))
            .retryOnConnectionFailure(false)
            .build();
    if (guideDir != null) {
      // never measure a stranger: serve mode, or an earlier Express, on the guide's port
      ColdStartBench.requireFree(ColdStartBench.GUIDE_PORT);
    }
    Process express = guideDir == null ? null : startExpress(guideDir);
    try (LocalVideohook stack =
        LocalVideohook.start(0, Map.of("OPENROUTER_WEBHOOK_SECRET", "dev_secret"))) {
      // intake only: the stream's consumers would share the two cores with both series
      stack.stopStreamConsumers();
      URI videohook = stack.callbackUrl("$default", Provider.OPENROUTER);
      URI guide = URI.create("http://127.0.0.1:3000/openrouter/video-webhook");
      System.out.printf(
          "%d signed deliveries per run, %d in flight, %d cores, java %s%n",
          requests,
          concurrency,
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"));
      // warm every series up (the JIT compiles the SDK and the receiver for
      // tens of seconds), then alternate the measured rounds so drift hits all alike
      for (int round = 1; round <= warmUpRounds; round++) {
        run("warm-up", videohook, requests);
        rawPut("warm-up", stack.dynamoDb(), requests);
        commit("warm-up", stack.jobStore(), requests);
        run("warm-up", videohook, requests / 3, "wrong");
        if (express != null) {
          run("warm-up", guide, requests / 3);
        }
      }
      List<Result> results = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        results.add(
            run("videohook (verify + DynamoDB commit), round " + round, videohook, requests));
        results.add(
            rawPut(
                "moto: 1 conditional PutItem, job-sized, round " + round,
                stack.dynamoDb(),
                requests));
        results.add(
            commit(
                "moto: the commit's UpdateItem alone, in-process, round " + round,
                stack.jobStore(),
                requests));
        results.add(
            run(
                "videohook, wrong secret (verify only), round " + round,
                videohook,
                requests,
                "wrong"));
        if (express != null) {
          results.add(run("guide Express (verify + log), round " + round, guide, requests));
          results.add(run("guide Express, wrong secret, round " + round, guide, requests, "wrong"));
        }
      }
      System.out.printf(
          "%n%-58s %10s %9s %9s %7s %12s %12s %12s%n",
          "receiver",
          "req/s",
          "p50 ms",
          "p99 ms",
          "non-2xx",
          "JVM CPU us/call",
          "API threads us/call",
          "senders us/call");
      for (Result r : results) {
        System.out.printf(
            "%-58s %10.0f %9.2f %9.2f %7d %12.0f %12.0f %12.0f%n",
            r.name(),
            r.perSecond(),
            r.p50Millis(),
            r.p99Millis(),
            r.non2xx(),
            r.cpuMicrosPerCall(),
            r.apiCpuMicrosPerCall(),
            r.sendersCpuMicrosPerCall());
      }
      Result accepted =
          results.stream()
              .filter(r -> r.name().startsWith("videohook ("))
              .min(Comparator.comparingDouble(Result::cpuMicrosPerCall))
              .orElseThrow();
      System.out.printf("%nJVM CPU per accepted delivery by thread, %s:%n", accepted.name());
      accepted.cpuMicrosByThreads().entrySet().stream()
          .filter(threads -> threads.getValue() >= 1)
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .forEach(
              threads ->
                  System.out.printf("  %-56s %10.0f us%n", threads.getKey(), threads.getValue()));
      System.out.printf(
          "%nvideohook's own CPU per accepted delivery (this JVM, load generator excluded), best"
              + " round: %.0f us; per refused delivery: %.0f us%n",
          leastCpu(results, "videohook (", Result::cpuMicrosPerCall),
          leastCpu(results, "videohook, wrong", Result::cpuMicrosPerCall));
      System.out.printf(
          "of it, the API stand-in's request threads (HTTP exchange, handler, SDK call), best"
              + " round: %.0f us accepted, %.0f us refused%n",
          leastCpu(results, "videohook (", Result::apiCpuMicrosPerCall),
          leastCpu(results, "videohook, wrong", Result::apiCpuMicrosPerCall));
      System.out.printf(
          "%nthroughput ratio videohook accepted / raw conditional PutItem, best rounds: %.2f%n",
          best(results, "videohook (") / best(results, "moto: 1 conditional PutItem"));
      System.out.printf(
          "throughput ratio videohook accepted / its own commit (JobStore's UpdateItem) alone,"
              + " best rounds: %.2f%n",
          best(results, "videohook (") / best(results, "moto: the commit's"));
      if (express != null) {
        System.out.printf(
            "%nthroughput ratio videohook / guide Express, best rounds: accepted %.2f, refused %.2f%n",
            best(results, "videohook (") / best(results, "guide Express ("),
            best(results, "videohook, wrong") / best(results, "guide Express, wrong"));
      }
      return 0;
    } finally {
      if (express != null) {
        express.descendants().forEach(ProcessHandle::destroy);
        express.destroy();
      }
    }
  }

  private Result run(String name, URI url, int count) throws Exception {
    return run(name, url, count, "dev_secret");
  }

  private Result run(String name, URI url, int count, String secret) throws Exception {
    return series(
        name,
        count,
        "bench_",
        jobId -> {
          byte[] body = event(jobId).getBytes(StandardCharsets.UTF_8);
          Request request =
              new Request.Builder()
                  .url(url.toString())
                  .header(
                      Provider.OPENROUTER.signatureHeader(),
                      Provider.OPENROUTER.sign(secret, Instant.now().getEpochSecond(), body))
                  .post(RequestBody.create(body, JSON))
                  .build();
          return () -> {
            try (Response response = http.newCall(request).execute()) {
              return response.code() / 100 == 2;
            }
          };
        });
  }

  /**
   * The floor under any one-write commit: the same number of conditional PutItems of a job-sized
   * item (what a first delivery leaves on the job item, raw event included) into the same table, at
   * the same concurrency, from the same process.
   */
  private Result rawPut(String name, DynamoDbClient dynamoDb, int count) throws Exception {
    return series(
        name,
        count,
        "raw_",
        jobId -> {
          Instant now = Instant.now();
          Map<String, AttributeValue> item =
              new HashMap<>(
                  JobItems.toItem(
                      Job.builder(
                              new JobKey("$default", Provider.OPENROUTER, jobId), JobStatus.FAILED)
                          .error("The prompt was rejected by the model's safety filter.")
                          .eventType("video.generation.failed")
                          .eventCreatedAt(now.toString())
                          .terminalDelivery(jobId + "-failed")
                          .times(new Job.Times(null, now, null, now))
                          .build()));
          item.put("raw_event", AttributeValue.fromS(event(jobId)));
          PutItemRequest put =
              PutItemRequest.builder()
                  .tableName(LocalVideohook.TABLE)
                  .item(item)
                  .conditionExpression("attribute_not_exists(#pk) OR #status = :pending")
                  .expressionAttributeNames(Map.of("#pk", JobTable.PK, "#status", JobTable.STATUS))
                  .expressionAttributeValues(Map.of(":pending", AttributeValue.fromS("pending")))
                  .build();
          return () -> {
            try {
              dynamoDb.putItem(put);
              return true;
            } catch (RuntimeException e) {
              return false;
            }
          };
        });
  }

  /** One request of a series, built before its clock starts; true when it succeeded. */
  private interface Call {
    boolean send() throws Exception;
  }

  /** Builds the call for one job id. */
  private interface Calls {
    Call prepare(String jobId) throws Exception;
  }

  /**
   * {@code count} calls at the bench's concurrency, each timed from its send to its answer, then
   * the series' rate, latency percentiles and failures.
   */
  private Result series(String name, int count, String jobIdPrefix, Calls calls)
      throws InterruptedException, ExecutionException {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long[] latencies = new long[count];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Set<Long> senders = ConcurrentHashMap.newKeySet();
    String runId = Long.toString(System.nanoTime(), 36);
    Map<Long, Long> cpuBefore = serverThreadsCpu();
    long started = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      workers.add(
          pool.submit(
              () -> {
                senders.add(Thread.currentThread().getId());
                for (int i; (i = next.getAndIncrement()) < count; ) {
                  Call call = calls.prepare(jobIdPrefix + runId + "_" + i);
                  long t0 = System.nanoTime();
                  boolean ok = call.send();
                  latencies[i] = System.nanoTime() - t0;
                  if (!ok) {
                    failed.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    for (Future<?> worker : workers) {
      worker.get();
    }
    long elapsed = System.nanoTime() - started;
    long sendersCpu = 0;
    for (long sender : senders) {
      sendersCpu += Math.max(0, THREADS.getThreadCpuTime(sender));
    }
    Map<String, Long> cpuByThreads = cpuSince(cpuBefore, senders);
    long ownCpu = cpuByThreads.values().stream().mapToLong(Long::longValue).sum();
    long apiCpu =
        cpuByThreads.entrySet().stream()
            .filter(threads -> isApiThread(threads.getKey()))
            .mapToLong(Map.Entry::getValue)
            .sum();
    pool.shutdown();
    Arrays.sort(latencies);
    return new Result(
        name,
        count / (elapsed / 1e9),
        latencies[count / 2] / 1e6,
        latencies[(int) (count * 0.99)] / 1e6,
        failed.get(), // read once every worker is done
        ownCpu / 1e3 / count,
        apiCpu / 1e3 / count,
        sendersCpu / 1e3 / count,
        perCall(cpuByThreads, count));
  }

  /**
   * CPU time so far of every thread of this JVM but the JIT compiler's (GC threads are not Java
   * threads and are not counted either): the threads that can serve a delivery.
   */
  private static Map<Long, Long> serverThreadsCpu() {
    Map<Long, Long> cpu = new HashMap<>();
    for (ThreadInfo thread : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (thread != null && !thread.getThreadName().contains("CompilerThread")) {
        cpu.put(thread.getThreadId(), THREADS.getThreadCpuTime(thread.getThreadId()));
      }
    }
    return cpu;
  }

  /**
   * The CPU time those threads used since {@code before}, the load generator's excluded, summed by
   * thread name with its numbers dropped (the API stand-in's request threads are one entry).
   */
  private static Map<String, Long> cpuSince(Map<Long, Long> before, Set<Long> senders) {
    Map<String, Long> used = new TreeMap<>();
    for (Map.Entry<Long, Long> now : serverThreadsCpu().entrySet()) {
      if (!senders.contains(now.getKey()) && now.getValue() >= 0) {
        ThreadInfo thread = THREADS.getThreadInfo(now.getKey());
        String name = thread == null ? "(ended)" : thread.getThreadName().replaceAll("\\d+", "N");
        used.merge(
            name,
            now.getValue() - Math.max(0, before.getOrDefault(now.getKey(), 0L)),
            Long::sum);
      }
    }
    return used;
  }

  /**
   * The threads that serve a request in the local stack as Lambda would in AWS: the API stand-in's
   * request threads, which run the HTTP exchange, the handler and its SDK call to the store, and
   * the JDK HTTP server's dispatcher, which accepts and reads the connections.
   */
  private static boolean isApiThread(String name) {
    return name.startsWith(LocalApiServer.API_THREAD) || name.startsWith("HTTP-Dispatcher");
  }

  private static Map<String, Double> perCall(Map<String, Long> nanos, int count) {
    Map<String, Double> micros = new TreeMap<>();
    nanos.forEach((name, used) -> micros.put(name, used / 1e3 / count));
    return micros;
  }

  /**
   * The receiver's one write on its own: {@code JobStore.recordDelivery} of the same event, parsed
   * before the clock starts, into the same table from this process, with no HTTP hop, signature or
   * log line: what videohook's rate is divided by to show its cost apart from the store.
   */
  private Result commit(String name, JobStore store, int count) throws Exception {
    return series(
        name,
        count,
        "commit_",
        jobId -> {
          String raw = event(jobId);
          VideoEvent parsed = (VideoEvent) VideoEvent.read(raw.getBytes(StandardCharsets.UTF_8));
          Delivery delivery =
              new Delivery("$default", Provider.OPENROUTER, parsed, raw, null, Instant.now());
          return () -> {
            try {
              store.recordDelivery(delivery);
              return true;
            } catch (RuntimeException e) {
              return false;
            }
          };
        });
  }

  private static double leastCpu(
      List<Result> results, String prefix, ToDoubleFunction<Result> cpu) {
    return results.stream()
        .filter(r -> r.name().startsWith(prefix))
        .mapToDouble(cpu)
        .min()
        .orElse(Double.NaN);
  }

  private static double best(List<Result> results, String prefix) {
    return results.stream()
        .filter(r -> r.name().startsWith(prefix))
        .mapToDouble(Result::perSecond)
        .max()
        .orElse(Double.NaN);
  }

  /**
   * A terminal event that commits like any other but starts no download: the bench measures the
   * intake, not the downloader working through the stream beside it.
   */
  private static String event(String jobId) {
    return "{\"type\":\"video.generation.failed\",\"created_at\":\""
        + Instant.now()
        + "\",\"data\":{\"id\":\""
        + jobId
        + "\",\"status\":\"failed\","
        + "\"error\":\"The prompt was rejected by the model's safety filter.\"}}";
  }

  private static Process startExpress(Path dir) throws IOException, InterruptedException {
    if (!Files.isDirectory(dir.resolve("node_modules"))) {
      throw new CommandLine.ParameterException(
          new CommandLine(new ReceiverBench()),
          dir + " has no node_modules: run npm install there first");
    }
    Process process = ColdStartBench.spawnExpress(dir);
    HttpClient probe = HttpClient.newHttpClient();
    for (int i = 0; i < 100; i++) {
      try {
        probe.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:3000/"))
                .timeout(Duration.ofSeconds(1))
                .build(),
            HttpResponse.BodyHandlers.discarding());
        return process;
      } catch (IOException notYet) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    process.destroy();
    throw new IllegalStateException("the guide's Express receiver did not start on port 3000");
  }
}
