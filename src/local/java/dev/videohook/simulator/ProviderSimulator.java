package dev.videohook.simulator;

import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.videohook.event.EventType;
import dev.videohook.event.SampleEvents;
import dev.videohook.job.JobStatus;
import dev.videohook.provider.Provider;
import dev.videohook.signature.SignatureVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for OpenRouter or ModelGates, for the local stack and the tests: the video API ({@code
 * POST /api/v1/videos}, {@code GET /api/v1/videos/{id}}, {@code GET .../content}) with a bearer
 * check, deterministic video bytes from a separate "CDN" origin for {@code unsigned_urls}, and a
 * signed webhook to {@code callback_url} when a job ends, retried on non-2xx like a real sender.
 * {@link Faults} switch on the misbehaviour a receiver must survive.
 */
public final class ProviderSimulator implements AutoCloseable {
  /** One webhook attempt, as the simulator sent it and as the receiver answered. */
  public record DeliveryAttempt(String jobId, String kind, int status) {}

  /** One request to the API or the CDN, with the Authorization header it carried (or null). */
  public record ReceivedRequest(String path, String authorization) {}

  private static final int MAX_ATTEMPTS = 8;

  /** Size of the CDN's sample video: small, so a first test event is stored in a moment. */
  public static final long SAMPLE_VIDEO_BYTES = 1024L * 1024L;

  private static final String SAMPLE_PATH = "/samples/sample.mp4";
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final Provider provider;
  private final String apiKey;
  private final String webhookSecret;
  private volatile Faults faults;
  private volatile int outputs = 1;
  private final HttpServer api;
  private final HttpServer cdn;
  private final ExecutorService serverThreads = Executors.newCachedThreadPool();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final SecureRandom random = new SecureRandom();
  private final Map<String, SimulatedJob> jobs = new ConcurrentHashMap<>();
  private final List<DeliveryAttempt> deliveries = new CopyOnWriteArrayList<>();
  private final List<ReceivedRequest> apiRequests = new CopyOnWriteArrayList<>();
  private final List<ReceivedRequest> cdnRequests = new CopyOnWriteArrayList<>();
  private final AtomicLong bytesServed = new AtomicLong();
  private final List<Map<String, Object>> submitBodies = new CopyOnWriteArrayList<>();
  private final AtomicInteger throttledCalls = new AtomicInteger();
  private volatile int throttleStatus = 429;
  private volatile String throttleRetryAfter;

  private static final class SimulatedJob {
    final String id;
    final String model;
    final String callbackUrl;
    final Faults faults;
    final int outputs;
    volatile JobStatus status = JobStatus.PENDING;
    final AtomicInteger contentFetches = new AtomicInteger();
    final AtomicInteger statusCalls = new AtomicInteger();
    final CountDownLatch delivered = new CountDownLatch(1);

    SimulatedJob(String id, String model, String callbackUrl, Faults faults, int outputs) {
      this.id = id;
      this.model = model;
      this.callbackUrl = callbackUrl;
      this.faults = faults;
      this.outputs = outputs;
    }
  }

  private ProviderSimulator(
      Provider provider,
      String apiKey,
      String webhookSecret,
      Faults faults,
      int apiPort,
      int cdnPort)
      throws IOException {
    this.provider = provider;
    this.apiKey = apiKey;
    this.webhookSecret = webhookSecret;
    this.faults = faults;
    this.api = bind(apiPort);
    this.cdn = bind(cdnPort);
    api.setExecutor(serverThreads);
    cdn.setExecutor(serverThreads);
    // the test job send-test's events name: finished, so its content endpoint serves a video,
    // as the provider's does for a job it holds (an event with no unsigned URL points there)
    SimulatedJob testJob =
        new SimulatedJob(SampleEvents.TEST_JOB_ID, "google/veo-3.1-lite", null, Faults.none(), 1);
    testJob.status = JobStatus.COMPLETED;
    jobs.put(testJob.id, testJob);
    api.createContext("/api/v1/videos", this::serveApi);
    cdn.createContext("/files/", this::serveCdn);
    cdn.createContext(SAMPLE_PATH, this::serveSample);
    api.start();
    cdn.start();
  }

  public static ProviderSimulator start(
      Provider provider, String apiKey, String webhookSecret, Faults faults) throws IOException {
    return start(provider, apiKey, webhookSecret, faults, 0, 0);
  }

  /**
   * On the given loopback ports (0 for any free one); a port another program holds is replaced by a
   * free one, so {@link #apiBase()} and {@link #cdnBase()} say where it really listens.
   */
  public static ProviderSimulator start(
      Provider provider, String apiKey, String webhookSecret, Faults faults, int apiPort, int cdnPort)
      throws IOException {
    return new ProviderSimulator(provider, apiKey, webhookSecret, faults, apiPort, cdnPort);
  }

  private static HttpServer bind(int port) throws IOException {
    try {
      return LoopbackHttpServers.create(port, 64);
    } catch (BindException taken) {
      return LoopbackHttpServers.create(0, 64);
    }
  }

  /** The base to configure as the provider's API, e.g. {@code http://127.0.0.1:PORT/api/v1}. */
  public URI apiBase() {
    return URI.create("http://127.0.0.1:" + api.getAddress().getPort() + "/api/v1");
  }

  public URI cdnBase() {
    return URI.create("http://127.0.0.1:" + cdn.getAddress().getPort());
  }

  /**
   * A public sample video on the CDN origin, for hand-written test events ({@code send-test
   * --unsigned-url}): a URL any event may name, as a real CDN serves any file it holds, while the
   * API and its content endpoint still know only the jobs submitted to it.
   */
  public URI sampleVideoUrl() {
    return URI.create(cdnBase() + SAMPLE_PATH);
  }

  public Provider provider() {
    return provider;
  }

  /**
   * How many videos each job completed from now on produces: its status lists that many signed
   * {@code urls} (and {@code unsigned_urls}, unless the content endpoint is the only way), and the
   * content endpoint serves {@code index=0..n-1}, each with different bytes.
   */
  public void setOutputs(int count) {
    this.outputs = count;
  }

  /** Faults for jobs submitted from now on. */
  public void setFaults(Faults faults) {
    this.faults = faults;
  }

  /**
   * The next {@code calls} API calls (any path, submit included) are answered {@code status} (429
   * or 503, say) in the provider's error shape, with {@code Retry-After: retryAfter} unless null.
   */
  public void throttleNext(int calls, int status, String retryAfter) {
    this.throttleStatus = status;
    this.throttleRetryAfter = retryAfter;
    this.throttledCalls.set(calls);
  }

  /** Every body {@code POST /videos} received, accepted or refused, as parsed JSON. */
  public List<Map<String, Object>> submitBodies() {
    return Collections.unmodifiableList(submitBodies);
  }

  public List<DeliveryAttempt> deliveries(String jobId) {
    return deliveries.stream().filter(d -> d.jobId().equals(jobId)).toList();
  }

  public List<ReceivedRequest> apiRequests() {
    return Collections.unmodifiableList(apiRequests);
  }

  public List<ReceivedRequest> cdnRequests() {
    return Collections.unmodifiableList(cdnRequests);
  }

  /** Video bytes sent so far, across all jobs: the local demo shows it as download progress. */
  public long bytesServed() {
    return bytesServed.get();
  }

  /** Waits until the job's webhook was acknowledged (or its sender gave up). */
  public boolean awaitDelivered(String jobId, Duration timeout) throws InterruptedException {
    SimulatedJob job = jobs.get(jobId);
    return job != null && job.delivered.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  // --- the API ---

  private void serveApi(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      apiRequests.add(new ReceivedRequest(path, authorization));
      if (throttledCalls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        if (throttleRetryAfter != null) {
          exchange.getResponseHeaders().set("Retry-After", throttleRetryAfter);
        }
        sendError(exchange, throttleStatus, "Rate limited: try again later");
        return;
      }
      if (path.equals("/api/v1/videos/models") && exchange.getRequestMethod().equals("GET")) {
        // public, as published: no key needed; nulls written ("seed": null means no seed)
        byte[] json =
            JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES).asBytes(Map.of("data", MODELS));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, json.length);
        exchange.getResponseBody().write(json);
        return;
      }
      if (!("Bearer " + apiKey).equals(authorization)) {
        sendJson(
            exchange,
            401,
            Map.of(
                "error",
                Map.of("code", 401, "message", "No auth credentials found or invalid API key")));
        return;
      }
      String[] parts = path.substring("/api/v1/videos".length()).split("/");
      String method = exchange.getRequestMethod();
      if (parts.length <= 1 && method.equals("POST")) {
        submit(exchange);
      } else if (parts.length == 2 && method.equals("GET")) {
        status(exchange, parts[1]);
      } else if (parts.length == 3 && parts[2].equals("content") && method.equals("GET")) {
        SimulatedJob job = jobs.get(parts[1]);
        if (job == null || job.status != JobStatus.COMPLETED) {
          sendJson(
              exchange,
              404,
              Map.of("error", Map.of("code", 404, "message", "No content for this job")));
          return;
        }
        int index = contentIndex(exchange.getRequestURI().getRawQuery());
        if (index < 0 || index >= job.outputs) {
          sendJson(
              exchange,
              404,
              Map.of("error", Map.of("code", 404, "message", "No content at this index")));
          return;
        }
        serveVideo(exchange, job, index);
      } else {
        sendJson(exchange, 404, Map.of("error", Map.of("code", 404, "message", "Not found")));
      }
    }
  }

  private void submit(HttpExchange exchange) throws IOException {
    Map<String, Object> body;
    try {
      body = JSON.std.mapFrom(exchange.getRequestBody().readAllBytes());
    } catch (IOException e) {
      sendJson(exchange, 400, Map.of("error", Map.of("code", 400, "message", "Body is not JSON")));
      return;
    }
    submitBodies.add(body);
    if (!(body.get("model") instanceof String model) || !(body.get("prompt") instanceof String)) {
      sendJson(
          exchange,
          400,
          Map.of("error", Map.of("code", 400, "message", "model and prompt are required")));
      return;
    }
    String unsupported = unsupported(body);
    if (unsupported != null) {
      sendError(exchange, 400, unsupported);
      return;
    }
    Faults jobFaults = faults;
    if (body.get(Faults.SUBMIT_FIELD) instanceof String name) {
      Optional<Faults> asked = Faults.named(name, faults);
      if (asked.isEmpty()) {
        sendError(exchange, 400, "Unknown " + Faults.SUBMIT_FIELD + " '" + name + "'");
        return;
      }
      jobFaults = asked.get();
    }
    String callback = body.get("callback_url") instanceof String url ? url : null;
    SimulatedJob job = new SimulatedJob(newId(), model, callback, jobFaults, outputs);
    jobs.put(job.id, job);
    scheduler.schedule(
        () -> complete(job), job.faults.completionDelay().toMillis(), TimeUnit.MILLISECONDS);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("id", job.id);
    answer.put("polling_url", "/api/v1/videos/" + job.id); // relative, as in the provider's example
    answer.put("status", "pending");
    sendJson(exchange, 202, answer);
  }

  private void status(HttpExchange exchange, String id) throws IOException {
    SimulatedJob job = jobs.get(id);
    if (job == null) {
      sendJson(
          exchange, 404, Map.of("error", Map.of("code", 404, "message", "Video job not found")));
      return;
    }
    if (job.statusCalls.incrementAndGet() <= job.faults.throttledStatusCalls()) {
      sendJson(exchange, 429, Map.of("error", Map.of("code", 429, "message", "Rate limited")));
      return;
    }
    sendJson(exchange, 200, data(job));
  }

  private void serveCdn(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      cdnRequests.add(
          new ReceivedRequest(path, exchange.getRequestHeaders().getFirst("Authorization")));
      String[] parts = path.split("/"); // "", "files", id, "0.mp4"
      SimulatedJob job = parts.length == 4 ? jobs.get(parts[2]) : null;
      if (job == null || job.status != JobStatus.COMPLETED) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      serveVideo(exchange, job, 0);
    }
  }

  private void serveSample(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      cdnRequests.add(
          new ReceivedRequest(path, exchange.getRequestHeaders().getFirst("Authorization")));
      if (!path.equals(SAMPLE_PATH) || !exchange.getRequestMethod().equals("GET")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "video/mp4");
      exchange.sendResponseHeaders(200, SAMPLE_VIDEO_BYTES);
      OutputStream out = exchange.getResponseBody();
      try (InputStream video = VideoBytes.stream("sample", SAMPLE_VIDEO_BYTES)) {
        long sent = video.transferTo(out);
        bytesServed.addAndGet(sent);
      }
      out.close();
    }
  }

  private static int contentIndex(String rawQuery) {
    if (rawQuery == null) {
      return 0;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.startsWith("index=")) {
        try {
          return Integer.parseInt(pair.substring("index=".length()));
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return 0;
  }

  private void serveVideo(HttpExchange exchange, SimulatedJob job, int index) throws IOException {
    Faults jobFaults = job.faults;
    if (job.contentFetches.incrementAndGet() <= jobFaults.badGatewayFirstFetches()) {
      sendJson(
          exchange,
          502,
          Map.of("error", Map.of("code", 502, "message", "Upstream storage unavailable")));
      return;
    }
    long size = jobFaults.videoBytes();
    long toSend = jobFaults.truncateContent() ? size / 2 : size;
    exchange.getResponseHeaders().set("Content-Type", "video/mp4");
    exchange.sendResponseHeaders(200, size);
    OutputStream out = exchange.getResponseBody();
    byte[] buffer = new byte[64 * 1024];
    long sent = 0;
    long started = System.nanoTime();
    String seed = index == 0 ? job.id : job.id + "#" + index;
    try (InputStream video = VideoBytes.stream(seed, toSend)) {
      for (int n; (n = video.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
        sent += n;
        bytesServed.addAndGet(n);
        throttle(jobFaults.contentBytesPerSecond(), sent, started);
      }
      out.flush();
    }
    if (toSend < size) {
      // declared length not reached: the client must see a broken body, not a complete one
      throw new IOException("truncated on purpose after " + toSend + " of " + size + " bytes");
    }
    out.close();
  }

  private static void throttle(long bytesPerSecond, long sent, long startedNanos) {
    if (bytesPerSecond <= 0) {
      return;
    }
    long dueNanos = sent * 1_000_000_000L / bytesPerSecond;
    long waitMillis = (dueNanos - (System.nanoTime() - startedNanos)) / 1_000_000L;
    if (waitMillis > 0) {
      try {
        Thread.sleep(waitMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // --- the webhook sender ---

  private void complete(SimulatedJob job) {
    job.status = job.faults.outcome();
    if (job.callbackUrl == null || job.faults.webhookNeverSent()) {
      job.delivered.countDown();
      return;
    }
    try {
      byte[] body = JSON.std.asBytes(event(job));
      deliverWithRetries(job, body);
    } catch (IOException | RuntimeException e) {
      deliveries.add(new DeliveryAttempt(job.id, "error: " + e.getMessage(), 0));
    } finally {
      job.delivered.countDown();
    }
  }

  /**
   * Sends a finished job's signed webhook once, now, to {@code callbackUrl}: the late delivery of a
   * webhook that was lost ({@link Faults#webhookNeverSent}).
   *
   * @return the receiver's HTTP status (0 when unreachable)
   */
  public int deliverWebhook(String jobId, URI callbackUrl) throws IOException {
    SimulatedJob job = jobs.get(jobId);
    if (job == null || !job.status.isProviderTerminal()) {
      throw new IllegalStateException("no finished job " + jobId);
    }
    SimulatedJob target =
        new SimulatedJob(job.id, job.model, callbackUrl.toString(), job.faults, job.outputs);
    target.status = job.status;
    return send(
        target,
        JSON.std.asBytes(event(job)),
        webhookSecret,
        Instant.now().getEpochSecond(),
        "late");
  }

  private void deliverWithRetries(SimulatedJob job, byte[] body) throws IOException {
    Faults jobFaults = job.faults;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      String kind;
      String secret = webhookSecret;
      long timestamp = Instant.now().getEpochSecond();
      if (attempt < jobFaults.wrongSecretAttempts()) {
        kind = "wrong-secret";
        secret = webhookSecret + "-wrong";
      } else if (attempt < jobFaults.wrongSecretAttempts() + jobFaults.staleAttempts()) {
        kind = "stale";
        timestamp -= 3600;
      } else {
        kind = "signed";
      }
      int status =
          kind.equals("signed") && jobFaults.concurrentDuplicates() > 1
              ? sendConcurrently(job, body, jobFaults.concurrentDuplicates())
              : send(job, body, secret, timestamp, kind);
      if (status / 100 == 2) {
        for (int i = 0; i < jobFaults.duplicateDeliveries(); i++) {
          send(job, body, webhookSecret, Instant.now().getEpochSecond(), "duplicate");
        }
        return;
      }
      sleep(Duration.ofMillis(Math.min(2000, 100L << attempt)));
    }
  }

  /** Sends the same signed delivery from many threads at once; the lowest status wins. */
  private int sendConcurrently(SimulatedJob job, byte[] body, int copies) {
    long timestamp = Instant.now().getEpochSecond();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> answers = new ArrayList<>();
    ExecutorService senders = Executors.newFixedThreadPool(copies);
    try {
      for (int i = 0; i < copies; i++) {
        answers.add(
            senders.submit(
                () -> {
                  start.await();
                  return send(job, body, webhookSecret, timestamp, "concurrent");
                }));
      }
      start.countDown();
      int worst = 0;
      for (var answer : answers) {
        worst = Math.max(worst, answer.get());
      }
      return worst;
    } catch (Exception e) {
      return 0;
    } finally {
      senders.shutdownNow();
    }
  }

  private int send(SimulatedJob job, byte[] body, String secret, long timestamp, String kind)
      throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(job.callbackUrl))
            .timeout(Duration.ofSeconds(15))
            .header("Content-Type", "application/json")
            .header(
                provider.signatureHeader(),
                provider.sign(secret, timestamp, body))
            .header(provider.idempotencyHeader(), job.id + "-" + job.status.value())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    int status;
    try {
      status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 0;
    } catch (IOException e) {
      status = 0; // unreachable receiver: retried like any other failure
    }
    deliveries.add(new DeliveryAttempt(job.id, kind, status));
    return status;
  }

  private Map<String, Object> event(SimulatedJob job) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("type", EventType.fromStatus(job.status.value()).orElseThrow().wireName());
    event.put("created_at", Instant.now().toString());
    event.put("data", data(job));
    return event;
  }

  private Map<String, Object> data(SimulatedJob job) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", job.id);
    data.put("status", job.status.value());
    data.put("polling_url", apiBase() + "/videos/" + job.id);
    if (job.status.isProviderTerminal()) {
      data.put("generation_id", "gen-" + job.id);
      data.put("model", job.model);
      data.put(
          "usage", Map.of("cost", job.status == JobStatus.COMPLETED ? 0.4 : 0, "is_byok", false));
    }
    if (job.status == JobStatus.COMPLETED) {
      data.put(
          "unsigned_urls",
          job.faults.contentEndpointOnly()
              ? List.of()
              : List.of(cdnBase() + "/files/" + job.id + "/0.mp4"));
      if (job.outputs > 1) {
        List<String> signed = new ArrayList<>();
        for (int i = 0; i < job.outputs; i++) {
          signed.add(cdnBase() + "/signed/" + job.id + "/" + i + ".mp4?sig=simulated");
        }
        data.put("urls", signed);
      }
    }
    if (job.status == JobStatus.FAILED) {
      data.put("error", "The model could not generate this video (simulated failure)");
    }
    return data;
  }

  private String newId() {
    StringBuilder id = new StringBuilder(20);
    for (int i = 0; i < 20; i++) {
      id.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
    }
    return id.toString();
  }

  /**
   * A few published-style models of different capabilities: durations, resolutions, sizes, frame
   * images, audio and seed each differ between them.
   */
  private static final List<Map<String, Object>> MODELS =
      List.of(
          model(
              "google/veo-3.1-lite",
              "Google: Veo 3.1 Lite",
              List.of(4, 6, 8),
              List.of("720p", "1080p"),
              List.of("16:9", "9:16"),
              null,
              List.of("first_frame", "last_frame"),
              true,
              Map.of("type", "integer"),
              Map.of("video_per_second", "0.05", "video_with_audio_per_second", "0.10")),
          model(
              "openai/sora-2",
              "OpenAI: Sora 2",
              List.of(4, 8, 12),
              List.of("720p"),
              List.of("16:9", "9:16"),
              List.of("1280x720", "720x1280"),
              List.of("first_frame"),
              true,
              null,
              Map.of("video_per_second", "0.10")),
          model(
              "bytedance/seedance-1-lite",
              "ByteDance: Seedance 1 Lite",
              List.of(5, 10),
              List.of("480p", "720p", "1080p"),
              List.of("16:9", "9:16", "1:1", "4:3", "3:4", "21:9"),
              null,
              List.of(),
              null,
              Map.of("type", "integer"),
              Map.of("video_per_second", "0.018")));

  private static Map<String, Object> model(
      String id,
      String name,
      List<Integer> durations,
      List<String> resolutions,
      List<String> aspectRatios,
      List<String> sizes,
      List<String> frames,
      Boolean audio,
      Object seed,
      Map<String, String> pricing) {
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("id", id);
    model.put("canonical_slug", id + "-20260101");
    model.put("name", name);
    model.put("description", name + " (simulated)");
    model.put("created", 1_767_225_600L);
    model.put("supported_durations", durations);
    model.put("supported_resolutions", resolutions);
    model.put("supported_aspect_ratios", aspectRatios);
    model.put("supported_sizes", sizes);
    model.put("supported_frame_images", frames);
    model.put("generate_audio", audio);
    model.put("seed", seed);
    model.put("allowed_passthrough_parameters", List.of());
    model.put("pricing_skus", new java.util.TreeMap<>(pricing)); // one order on every run
    return model;
  }

  /** The provider's 400 message for a value the model does not support, or null. */
  private static String unsupported(Map<String, Object> body) {
    Map<String, Object> model =
        MODELS.stream().filter(m -> m.get("id").equals(body.get("model"))).findFirst().orElse(null);
    if (model == null) {
      return "Model " + body.get("model") + " is not a video model";
    }
    String[][] checks = {
      {"duration", "supported_durations"},
      {"resolution", "supported_resolutions"},
      {"aspect_ratio", "supported_aspect_ratios"},
      {"size", "supported_sizes"}
    };
    for (String[] check : checks) {
      Object value = body.get(check[0]);
      if (value != null
          && !(model.get(check[1]) instanceof List<?> allowed && allowed.contains(value))) {
        return check[0] + " " + value + " is not supported by " + model.get("id");
      }
    }
    if (body.get("seed") != null && model.get("seed") == null) {
      return "seed is not supported by " + model.get("id");
    }
    return null;
  }

  private static void sendError(HttpExchange exchange, int status, String message)
      throws IOException {
    sendJson(exchange, status, Map.of("error", Map.of("code", status, "message", message)));
  }

  private static void sendJson(HttpExchange exchange, int status, Object value) throws IOException {
    byte[] json = JSON.std.asBytes(value);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, json.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(json);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    api.stop(0);
    cdn.stop(0);
    serverThreads.shutdownNow();
  }
}
