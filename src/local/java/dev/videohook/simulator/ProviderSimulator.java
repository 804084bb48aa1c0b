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
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.nio.charset.StandardCharsets;
import javax.crypto.spec.SecretKeySpec;
import javax.crypto.Mac;
import java.time.temporal.ChronoUnit;
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
 * check, deterministic video bytes from a separate "CDN" origin for {@code unsigned_urls}, the
 * same bytes from a storage host of its own for the signed {@code urls} (which expire with the
 * job's {@code expires_at}), and a signed webhook to {@code callback_url} when a job ends, retried
 * on non-2xx like a real sender.
 * {@link Faults} switch on the misbehaviour a receiver must survive.
 *
 * <p>It is built on the JDK's HTTP server, not okhttp's MockWebServer, because it is also the local
 * product's provider ({@code videohook-local serve}), where no test-scoped dependency may go, and
 * because it acts on its own (finishes jobs over time, sends and retries webhooks) rather than only
 * answering what a test enqueued.
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

  /** Where the storage host serves a job's outputs: {@code /signed/{jobId}/{index}.mp4}. */
  private static final String SIGNED_PATH = "/signed/";

  /**
   * How long the provider keeps a finished job's outputs: its {@code expires_at} is this long after
   * the job completed, and its signed URLs stop working then.
   */
  public static final Duration OUTPUTS_RETENTION = Duration.ofHours(24);
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final Provider provider;
  private final String apiKey;
  private final String webhookSecret;
  private volatile Faults faults;
  private volatile int outputs = 1;
  private final HttpServer api;
  private final HttpServer cdn;
  private final HttpServer storage;
  // signs the storage host's URLs: a URL with a changed path or expiry is refused, as a real one
  private final byte[] urlSigningKey = new byte[32];
  private final ExecutorService serverThreads = Executors.newCachedThreadPool();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final SecureRandom random = new SecureRandom();
  private final Map<String, SimulatedJob> jobs = new ConcurrentHashMap<>();
  private final List<DeliveryAttempt> deliveries = new CopyOnWriteArrayList<>();
  private final List<ReceivedRequest> apiRequests = new CopyOnWriteArrayList<>();
  private final List<ReceivedRequest> cdnRequests = new CopyOnWriteArrayList<>();
  private final List<ReceivedRequest> storageRequests = new CopyOnWriteArrayList<>();
  private final AtomicLong bytesServed = new AtomicLong();
  private final List<Map<String, Object>> submitBodies = new CopyOnWriteArrayList<>();
  private final AtomicInteger throttledCalls = new AtomicInteger();
  private volatile int throttleStatus = 429;
  private volatile String throttleRetryAfter;
  private volatile Duration throttleReset = Duration.ofSeconds(60);
  private volatile double balance = 100.0;
  private volatile Double keyLimit;
  private volatile double keyUsage;
  private final Map<String, String> reportedStatuses = new ConcurrentHashMap<>();

  /** What one submitted job costs, in USD: its {@code usage.cost} and what the key's limit loses. */
  public static final double JOB_COST = 0.4;

  private static final class SimulatedJob {
    final String id;
    final String model;
    final String callbackUrl;
    final Faults faults;
    final int outputs;
    volatile JobStatus status = JobStatus.PENDING;
    // set before status turns terminal: a job that reads completed always has it
    volatile Instant finishedAt;
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
    this.storage = bind(0);
    random.nextBytes(urlSigningKey);
    api.setExecutor(serverThreads);
    cdn.setExecutor(serverThreads);
    storage.setExecutor(serverThreads);
    // the test job send-test's events name: finished, so its content endpoint serves a video,
    // as the provider's does for a job it holds (an event with no unsigned URL points there)
    SimulatedJob testJob =
        new SimulatedJob(SampleEvents.TEST_JOB_ID, "google/veo-3.1-lite", null, Faults.none(), 1);
    testJob.finishedAt = Instant.now();
    testJob.status = JobStatus.COMPLETED;
    jobs.put(testJob.id, testJob);
    api.createContext("/api/v1/videos", this::serveApi);
    api.createContext("/api/v1/key", this::serveApi);
    cdn.createContext("/files/", this::serveCdn);
    cdn.createContext(SAMPLE_PATH, this::serveSample);
    storage.createContext(SIGNED_PATH, this::serveSigned);
    api.start();
    cdn.start();
    storage.start();
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

  /** The storage host that serves the signed {@code urls}: an origin apart from the API and CDN. */
  public URI storageBase() {
    return URI.create("http://127.0.0.1:" + storage.getAddress().getPort());
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
    throttleNext(calls, status, retryAfter, Duration.ofSeconds(60));
  }

  /**
   * As {@link #throttleNext(int, int, String)}, a 429 also carrying {@code X-RateLimit-Limit},
   * {@code X-RateLimit-Remaining: 0} and {@code X-RateLimit-Reset} ({@code resetIn} from now, in
   * Unix milliseconds), as the provider sends them when one of its own limits is hit.
   */
  public void throttleNext(int calls, int status, String retryAfter, Duration resetIn) {
    this.throttleStatus = status;
    this.throttleRetryAfter = retryAfter;
    this.throttleReset = resetIn;
    this.throttledCalls.set(calls);
  }

  /**
   * The account's balance in USD (100 at start): at zero or below, every submit is refused with
   * 402, {@code limit_source: openrouter_credits}.
   */
  public void setBalance(double usd) {
    this.balance = usd;
  }

  /**
   * The API key's own spending limit in USD (null: none, the default). A submit whose cost ({@link
   * #JOB_COST}) no longer fits in what is left is refused with 402, {@code limit_source:
   * openrouter_key_limit}; {@code GET /key} reports {@code limit} and {@code limit_remaining}.
   */
  public synchronized void setKeyLimit(Double usd) {
    // counted from now on, as for a fresh key: earlier tests' jobs do not use it up
    this.keyLimit = usd;
    this.keyUsage = 0;
  }

  /**
   * From now on {@code GET /videos/{jobId}} reports {@code status} for that job, whatever its real
   * state: a status the published list does not have yet, say, which a client must keep as it is.
   */
  public void reportStatus(String jobId, String status) {
    reportedStatuses.put(jobId, status);
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

  /** Every request to the storage host (the signed {@code urls}), with its Authorization header. */
  public List<ReceivedRequest> storageRequests() {
    return Collections.unmodifiableList(storageRequests);
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
        if (throttleStatus == 429) {
          rateLimitHeaders(exchange, throttleReset);
        }
        sendError(
            exchange,
            throttleStatus,
            throttleStatus == 429 ? "Rate limit exceeded" : "Provider overloaded: try again later");
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
        sendError(exchange, 401, "No auth credentials found or invalid API key");
        return;
      }
      String method = exchange.getRequestMethod();
      if (path.equals("/api/v1/key") && method.equals("GET")) {
        sendJson(exchange, 200, Map.of("data", keyInfo()));
        return;
      }
      if (!path.startsWith("/api/v1/videos")) {
        sendError(exchange, 404, "Not found");
        return;
      }
      String[] parts = path.substring("/api/v1/videos".length()).split("/");
      if (parts.length <= 1 && method.equals("POST")) {
        submit(exchange);
      } else if (parts.length == 2 && method.equals("GET")) {
        status(exchange, parts[1]);
      } else if (parts.length == 3 && parts[2].equals("content") && method.equals("GET")) {
        SimulatedJob job = jobs.get(parts[1]);
        if (job == null || job.status != JobStatus.COMPLETED) {
          sendError(exchange, 404, "No content for this job");
          return;
        }
        int index = contentIndex(exchange.getRequestURI().getRawQuery());
        if (index < 0 || index >= job.outputs) {
          sendError(exchange, 404, "No content at this index");
          return;
        }
        serveVideo(exchange, job, index);
      } else {
        sendError(exchange, 404, "Not found");
      }
    }
  }

  private void submit(HttpExchange exchange) throws IOException {
    Map<String, Object> body;
    try {
      body = JSON.std.mapFrom(exchange.getRequestBody().readAllBytes());
    } catch (IOException e) {
      sendError(exchange, 400, "Body is not JSON");
      return;
    }
    submitBodies.add(body);
    if (!(body.get("model") instanceof String model)) {
      sendError(exchange, 400, "model is required");
      return;
    }
    String unsupported = unsupported(body);
    if (unsupported != null) {
      sendError(exchange, 400, unsupported);
      return;
    }
    if (balance <= 0) {
      sendError(
          exchange,
          402,
          "Insufficient credits. Add more using https://openrouter.ai/credits",
          Map.of("limit_source", "openrouter_credits"));
      return;
    }
    synchronized (this) {
      if (keyLimit != null && keyLimit - keyUsage < JOB_COST) {
        sendError(
            exchange,
            402,
            "This API key's credit limit is exhausted",
            Map.of("limit_source", "openrouter_key_limit"));
        return;
      }
      keyUsage += JOB_COST;
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
      sendError(exchange, 404, "Video job not found");
      return;
    }
    if (job.statusCalls.incrementAndGet() <= job.faults.throttledStatusCalls()) {
      // an upstream model provider's limit: no X-RateLimit-* (those are for the provider's own)
      sendError(exchange, 429, "Rate limit exceeded");
      return;
    }
    Map<String, Object> answer = data(job);
    String reported = reportedStatuses.get(id);
    if (reported != null) {
      answer.put("status", reported);
    }
    sendJson(exchange, 200, answer);
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

  /** The content proxy's answer (the CDN's unsigned URLs, the content endpoint): 502 on cue. */
  private void serveVideo(HttpExchange exchange, SimulatedJob job, int index) throws IOException {
    if (job.contentFetches.incrementAndGet() <= job.faults.badGatewayFirstFetches()) {
      sendError(exchange, 502, "Upstream storage unavailable");
      return;
    }
    sendVideo(exchange, job, index);
  }

  /**
   * The storage host: {@code /signed/{jobId}/{index}.mp4?expires=E&sig=S}, served only with a
   * signature this simulator made for that path and expiry, and not past it (403 otherwise), as a
   * cloud store's signed URL. No bearer is needed, and the proxy's 502 fault does not reach it.
   */
  private void serveSigned(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      storageRequests.add(
          new ReceivedRequest(path, exchange.getRequestHeaders().getFirst("Authorization")));
      String[] parts = path.split("/"); // "", "signed", id, "N.mp4"
      SimulatedJob job = parts.length == 4 ? jobs.get(parts[2]) : null;
      int index = parts.length == 4 ? outputIndex(parts[3]) : -1;
      if (job == null || job.status != JobStatus.COMPLETED || index < 0 || index >= job.outputs) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String query = exchange.getRequestURI().getRawQuery();
      long expires = expiresAt(job).getEpochSecond();
      if (query == null
          || !query.equals(signedQuery(path, expires))
          || !Instant.now().isBefore(Instant.ofEpochSecond(expires))) {
        exchange.sendResponseHeaders(403, -1);
        return;
      }
      sendVideo(exchange, job, index);
    }
  }

  private static int outputIndex(String fileName) {
    if (!fileName.endsWith(".mp4")) {
      return -1;
    }
    try {
      return Integer.parseInt(fileName.substring(0, fileName.length() - ".mp4".length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** When the provider stops keeping a finished job's outputs: its {@code expires_at}. */
  private static Instant expiresAt(SimulatedJob job) {
    return job.finishedAt.plus(OUTPUTS_RETENTION).truncatedTo(ChronoUnit.SECONDS);
  }

  /** {@code expires=E&sig=S}, S an HMAC of the path and the expiry under this simulator's key. */
  private String signedQuery(String path, long expires) {
    try {
      javax.crypto.Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(urlSigningKey, "HmacSHA256"));
      byte[] sig =
          mac.doFinal((path + "\n" + expires).getBytes(StandardCharsets.UTF_8));
      return "expires=" + expires + "&sig=" + HexFormat.of().formatHex(sig);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is always available", e);
    }
  }

  private void sendVideo(HttpExchange exchange, SimulatedJob job, int index) throws IOException {
    Faults jobFaults = job.faults;
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
    job.finishedAt = Instant.now();
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
    target.finishedAt = job.finishedAt;
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
      // the job id is in the generation id format (the SDK's description of id)
      data.put("generation_id", job.id);
      data.put("model", job.model);
      data.put(
          "usage", Map.of("cost", job.status == JobStatus.COMPLETED ? JOB_COST : 0, "is_byok", false));
    }
    if (job.status == JobStatus.COMPLETED) {
      data.put(
          "unsigned_urls",
          job.faults.contentEndpointOnly()
              ? List.of()
              : List.of(cdnBase() + "/files/" + job.id + "/0.mp4"));
      // the signed storage URLs, one per output, on the storage host: the source to fall back
      // on when the content proxy fails; they and the outputs go at expires_at
      long expires = expiresAt(job).getEpochSecond();
      List<String> signed = new ArrayList<>();
      for (int i = 0; i < job.outputs; i++) {
        String path = SIGNED_PATH + job.id + "/" + i + ".mp4";
        signed.add(storageBase() + path + "?" + signedQuery(path, expires));
      }
      data.put("urls", signed);
      data.put("expires_at", expires);
    }
    if (job.status == JobStatus.FAILED) {
      data.put("error", "The model could not generate this video (simulated failure)");
    }
    return data;
  }

  /** The published shape: {@code gen-vid-<unix seconds>-<20 alphanumerics>}. */
  private String newId() {
    StringBuilder id = new StringBuilder("gen-vid-").append(Instant.now().getEpochSecond()).append('-');
    for (int i = 0; i < 20; i++) {
      id.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
    }
    return id.toString();
  }

  /**
   * A few published-style models of different capabilities: durations, resolutions, sizes, frame
   * images, audio and seed each differ between them; one upscaling model has no durations but a
   * creativity range and an upscale factor, and takes no prompt (it works from a video alone).
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
              true,
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
              true,
              Map.of("video_per_second", "0.018")),
          upscaler());

  /** Models that work from images (or a video) alone: no prompt needed. */
  private static final List<String> PROMPT_OPTIONAL = List.of("topaz/video-upscale");

  private static Map<String, Object> upscaler() {
    Map<String, Object> model =
        model(
            "topaz/video-upscale",
            "Topaz: Video Upscale",
            null,
            List.of("1080p", "4K"),
            null,
            null,
            null,
            null,
            null,
            Map.of("upscale_per_second", "0.08"));
    model.put("creativity", List.of(1, 2, 3, 4, 5, 6));
    Map<String, Object> factor = new LinkedHashMap<>();
    factor.put("min", 1.0);
    factor.put("max", 4.0);
    model.put("upscale_factor", factor);
    model.put("hugging_face_id", null);
    return model;
  }

  private static Map<String, Object> model(
      String id,
      String name,
      List<Integer> durations,
      List<String> resolutions,
      List<String> aspectRatios,
      List<String> sizes,
      List<String> frames,
      Boolean audio,
      Boolean seed,
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
    model.put("creativity", null);
    model.put("upscale_factor", null);
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
    if (body.get("seed") != null && !Boolean.TRUE.equals(model.get("seed"))) {
      return "seed is not supported by " + model.get("id");
    }
    if (Boolean.TRUE.equals(body.get("generate_audio"))
        && !Boolean.TRUE.equals(model.get("generate_audio"))) {
      return "generate_audio is not supported by " + model.get("id");
    }
    Object creativity = body.get("creativity");
    if (creativity != null
        && !(model.get("creativity") instanceof List<?> levels && levels.contains(creativity))) {
      return "creativity " + creativity + " is not supported by " + model.get("id");
    }
    Object factor = body.get("upscale_factor");
    if (factor != null
        && !(factor instanceof Number n
            && model.get("upscale_factor") instanceof Map<?, ?> range
            && n.doubleValue() >= ((Number) range.get("min")).doubleValue()
            && n.doubleValue() <= ((Number) range.get("max")).doubleValue())) {
      return "upscale_factor " + factor + " is not supported by " + model.get("id");
    }
    boolean hasImages =
        body.get("frame_images") instanceof List<?> frames && !frames.isEmpty()
            || body.get("input_references") instanceof List<?> refs && !refs.isEmpty()
            || body.get("previous_job_id") != null;
    if (!(body.get("prompt") instanceof String)
        && !(PROMPT_OPTIONAL.contains(model.get("id")) && hasImages)) {
      return "prompt is required by " + model.get("id");
    }
    return null;
  }

  private static void sendError(HttpExchange exchange, int status, String message)
      throws IOException {
    sendError(exchange, status, message, Map.of());
  }

  /**
   * The provider's error shape: {@code {"error": {code, message, metadata: {error_type, ...}}}},
   * {@code error_type} as the API reference names them.
   */
  private static void sendError(
      HttpExchange exchange, int status, String message, Map<String, Object> metadata)
      throws IOException {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("error_type", errorType(status));
    meta.putAll(metadata);
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", status);
    error.put("message", message);
    error.put("metadata", meta);
    sendJson(exchange, status, Map.of("error", error));
  }

  private static String errorType(int status) {
    return switch (status) {
      case 400 -> "invalid_request";
      case 401 -> "authentication";
      case 402 -> "payment_required";
      case 404 -> "not_found";
      case 429 -> "rate_limit_exceeded";
      case 502 -> "provider_unavailable";
      case 503 -> "provider_overloaded";
      default -> "server";
    };
  }

  /** The headers of a 429 for one of the provider's own limits; the reset in Unix milliseconds. */
  private static void rateLimitHeaders(HttpExchange exchange, Duration resetIn) {
    exchange.getResponseHeaders().set("X-RateLimit-Limit", "20");
    exchange.getResponseHeaders().set("X-RateLimit-Remaining", "0");
    exchange
        .getResponseHeaders()
        .set("X-RateLimit-Reset", String.valueOf(Instant.now().plus(resetIn).toEpochMilli()));
  }

  /** {@code GET /key}: the key's limit and usage, every key the SDK requires. */
  private synchronized Map<String, Object> keyInfo() {
    double usage = keyUsage;
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("label", "sk-or-v1-sim...");
    data.put("limit", keyLimit);
    data.put("limit_remaining", keyLimit == null ? null : Math.max(0, keyLimit - usage));
    data.put("limit_reset", null);
    data.put("include_byok_in_limit", false);
    data.put("usage", usage);
    data.put("usage_daily", usage);
    data.put("usage_weekly", usage);
    data.put("usage_monthly", usage);
    data.put("byok_usage", 0.0);
    data.put("byok_usage_daily", 0.0);
    data.put("byok_usage_weekly", 0.0);
    data.put("byok_usage_monthly", 0.0);
    data.put("is_free_tier", false);
    data.put("is_management_key", false);
    data.put("is_provisioning_key", false);
    data.put("free_model_daily_requests", Map.of("limit", 1000, "remaining", 1000, "used", 0));
    data.put(
        "rate_limit",
        Map.of("interval", "1h", "note", "This field is deprecated and safe to ignore.", "requests", -1));
    data.put("allowed_data_regions", List.of("global"));
    data.put("creator_user_id", null);
    data.put("organization_id", null);
    data.put("workspace_id", null);
    return data;
  }

  private static void sendJson(HttpExchange exchange, int status, Object value) throws IOException {
    // nulls written: the published schema requires keys whose value may be null
    byte[] json = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES).asBytes(value);
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
    storage.stop(0);
    serverThreads.shutdownNow();
  }
}
