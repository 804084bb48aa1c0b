package dev.videohook.testing;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A provider that answers from a script, on loopback: its API ({@code GET /videos/{id}} and the
 * content endpoint, behind the current API key), a storage host for {@code unsigned_urls} (another
 * origin), and a host the downloader must never reach. Every status answer and every source can be
 * told to misbehave, and every request that arrives is recorded, so a test can say what was sent
 * where.
 *
 * <p>The servers speak HTTP/1.1 from raw sockets, one request per connection, so a source can send
 * what no well-behaved server would: a negative {@code Content-Length}, a body cut short, headers
 * that come late or never.
 *
 * <p>Why not okhttp's MockWebServer ({@link VideoHost}): it builds each reply from a {@code
 * MockResponse} and keeps a script per server, while the lifecycle worlds need three origins under
 * one script and one request log, and replies written byte for byte as the script gives them.
 */
public final class ScriptedProvider implements AutoCloseable {
  /** What {@code GET /videos/{id}} answers. */
  public enum StatusAnswer {
    /** The job as the provider knows it: running, or its terminal state. */
    TRUTH,
    NOT_FOUND,
    UNAUTHORIZED,
    THROTTLED,
    SERVER_ERROR,
    /** A well-formed terminal answer about another job's id. */
    OTHER_ID,
    /** A terminal status whose body is not a valid event (an unsigned URL that is a number). */
    INVALID,
    /**
     * The truth, its headers at once and its body a byte at a time, for far longer than any
     * caller's budget: only a total deadline on the call ends it.
     */
    TRICKLE
  }

  /** How a source (an unsigned URL, or the content endpoint) answers. */
  public enum SourceFault {
    NONE,
    /** Declares more bytes than it sends, then closes. */
    TRUNCATED,
    /** Sends its headers after a short wait, then the video. */
    SLOW_HEADERS,
    /** Sends nothing, longer than the downloader's response timeout, then closes. */
    STALLED,
    SERVER_ERROR,
    /** {@code Content-Length: -5}. */
    NEGATIVE_LENGTH,
    /** Redirects to the host that must never be reached. */
    REDIRECT_TO_REFUSED,
    /** Redirects to the storage host (another origin: no API key may follow). */
    REDIRECT_TO_STORAGE,
    /**
     * Declares the video, then sends it a byte at a time, each byte well within an idle timeout,
     * for longer than a download's deadline; then closes, short.
     */
    TRICKLE
  }

  /** How large a job's outputs are. */
  public enum VideoSize {
    /** About 2 KiB: one PutObject. */
    SMALL,
    /** Larger than two parts of any part size the downloader accepts: a multipart upload. */
    LARGE
  }

  /** One request as it arrived. */
  public record Seen(String origin, String target, String authorization) {}

  /** The provider's view of one job. */
  public static final class Job {
    final String id;
    final int outputs;
    final String contentType;
    final List<String> unsignedUrls;
    final VideoSize size;
    final boolean newBytesPerRequest;

    /** The sha256 of every version of each output served, by output index. */
    final Map<Integer, Set<String>> served = new ConcurrentHashMap<>();

    private final java.util.concurrent.atomic.AtomicInteger requests =
        new java.util.concurrent.atomic.AtomicInteger();
    volatile String status = "in_progress";
    volatile StatusAnswer answer = StatusAnswer.TRUTH;
    volatile SourceFault fault = SourceFault.NONE;
    volatile int faultsLeft;

    Job(
        String id,
        int outputs,
        String contentType,
        List<String> unsignedUrls,
        VideoSize size,
        boolean newBytesPerRequest) {
      this.id = id;
      this.outputs = outputs;
      this.contentType = contentType;
      this.unsignedUrls = List.copyOf(unsignedUrls);
      this.size = size;
      this.newBytesPerRequest = newBytesPerRequest;
    }

    public String contentType() {
      return contentType;
    }

    /** The sha256 of every version of output {@code index} this provider has served. */
    public Set<String> served(int index) {
      return Set.copyOf(served.getOrDefault(index, Set.of()));
    }

    /** The bytes of output {@code index} for the next request, recorded as served. */
    byte[] serve(int index) {
      int version = newBytesPerRequest ? requests.incrementAndGet() : 0;
      byte[] bytes = video(id, index, size, version);
      served.computeIfAbsent(index, i -> ConcurrentHashMap.newKeySet()).add(sha256(bytes));
      return bytes;
    }

    public String status() {
      return status;
    }

    public StatusAnswer answer() {
      return answer;
    }

    public List<String> unsignedUrls() {
      return unsignedUrls;
    }

    public int outputs() {
      return outputs;
    }
  }

  public static final String API = "api";
  public static final String STORAGE = "storage";
  public static final String REFUSED = "refused";

  /**
   * The storage host's name: another origin than the API's {@code 127.0.0.1}, which the command
   * line's own resolver finds as well as a test's DNS.
   */
  public static final String STORAGE_HOST = "localhost";

  /** A name for the refused host (resolve it to 0.0.0.0: refused, yet it would reach loopback). */
  public static final String REFUSED_HOST = "internal.test";

  private static final Pattern STATUS = Pattern.compile("/api/v1/videos/([^/?]+)");
  private static final Pattern CONTENT =
      Pattern.compile("/api/v1/videos/([^/?]+)/content\\?index=(\\d+)");
  private static final Pattern SOURCE = Pattern.compile("/src/([^/?]+)/(\\d+)");

  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final ExecutorService workers = Executors.newCachedThreadPool(daemon());
  private final List<ServerSocket> sockets = new ArrayList<>();
  private final int apiPort;
  private final int storagePort;
  private final int refusedPort;
  private final long stallMillis;
  private volatile String apiKey;

  /**
   * @param stallMillis how long a {@link SourceFault#STALLED} source stays silent (more than the
   *     downloader's response timeout)
   */
  public ScriptedProvider(String apiKey, long stallMillis) {
    this.apiKey = apiKey;
    this.stallMillis = stallMillis;
    try {
      apiPort = listen(InetAddress.getLoopbackAddress(), API);
      storagePort = listen(InetAddress.getLoopbackAddress(), STORAGE);
      // every interface: a connection to 0.0.0.0 reaches it, so a refused fetch would show here
      refusedPort = listen(null, REFUSED);
    } catch (IOException e) {
      close();
      throw new IllegalStateException("cannot listen on loopback", e);
    }
  }

  public URI apiBase() {
    return URI.create("http://127.0.0.1:" + apiPort + "/api/v1");
  }

  /** Revokes every key but {@code key}, as a key rotation at the provider does. */
  public void rotateKey(String key) {
    this.apiKey = key;
  }

  /**
   * A new job at the provider, running.
   *
   * @param source where its videos are: {@code "urls"} (the storage host), {@code "content"} (no
   *     unsigned URLs: the content endpoint) or {@code "refused"} (an unsigned URL on the refused
   *     host)
   */
  public Job submit(String id, int outputs, String contentType, String source) {
    return submit(id, outputs, contentType, source, VideoSize.SMALL, false);
  }

  /**
   * As {@link #submit(String, int, String, String)}, with outputs of {@code size}; a provider that
   * renders {@code newBytesPerRequest} serves other bytes on every request (a re-encode, a
   * watermark with the time): only what was stored, read back, says which.
   */
  public Job submit(
      String id,
      int outputs,
      String contentType,
      String source,
      VideoSize size,
      boolean newBytesPerRequest) {
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < outputs && !source.equals("content"); i++) {
      urls.add(
          source.equals("refused")
              ? "http://" + REFUSED_HOST + ":" + refusedPort + "/src/" + id + "/" + i
              : "http://" + STORAGE_HOST + ":" + storagePort + "/src/" + id + "/" + i);
    }
    Job job = new Job(id, outputs, contentType, urls, size, newBytesPerRequest);
    jobs.put(id, job);
    return job;
  }

  public Job job(String id) {
    return jobs.get(id);
  }

  /** The provider finishes the job: {@code completed}, {@code failed}, ... */
  public void finish(String id, String status) {
    jobs.get(id).status = status;
  }

  public void answerStatus(String id, StatusAnswer answer) {
    jobs.get(id).answer = answer;
  }

  /** The job's sources misbehave for the next {@code times} requests (MAX_VALUE: for good). */
  public void fault(String id, SourceFault fault, int times) {
    Job job = jobs.get(id);
    job.faultsLeft = times;
    job.fault = fault;
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** The bytes of a small job's output, the same on every request. */
  public static byte[] video(String id, int index) {
    return video(id, index, VideoSize.SMALL, 0);
  }

  /** Two parts of the default part size (8 MiB), three of the smallest S3 allows (5 MiB). */
  public static final int LARGE_VIDEO_BYTES = 10 * 1024 * 1024 + 4099;

  static byte[] video(String id, int index, VideoSize size, int version) {
    int length = (size == VideoSize.LARGE ? LARGE_VIDEO_BYTES : 2048) + 97 * index;
    byte[] bytes = new byte[length];
    int seed = id.hashCode() * 31 + index + version * 7919;
    for (int i = 0; i < bytes.length; i++) {
      seed = seed * 1103515245 + 12345;
      bytes[i] = (byte) (seed >>> 16);
    }
    return bytes;
  }

  /** The status answer of a terminal or running job, as the provider's API writes it. */
  public static Map<String, Object> statusBody(Job job, String id) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("status", job.status);
    body.put("model", "google/veo-3.1-lite");
    if (job.status.equals("completed")) {
      body.put("unsigned_urls", job.unsignedUrls);
      List<String> signed = new ArrayList<>();
      for (int i = 0; i < job.outputs; i++) {
        signed.add("https://signed.example.com/" + id + "/" + i);
      }
      body.put("urls", signed);
      body.put("usage", Map.of("cost", 0.4, "is_byok", false));
    }
    if (job.status.equals("failed")) {
      body.put("error", "the model refused the prompt");
    }
    return body;
  }

  private int listen(InetAddress address, String origin) throws IOException {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(address, 0));
    sockets.add(socket);
    Thread acceptor =
        new Thread(
            () -> {
              while (!socket.isClosed()) {
                try {
                  Socket connection = socket.accept();
                  workers.execute(() -> serve(origin, connection));
                } catch (IOException | RuntimeException e) {
                  return;
                }
              }
            },
            "scripted-provider-" + origin);
    acceptor.setDaemon(true);
    acceptor.start();
    return socket.getLocalPort();
  }

  private void serve(String origin, Socket connection) {
    try (connection) {
      connection.setSoTimeout(5000);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
      String requestLine = in.readLine();
      if (requestLine == null) {
        return;
      }
      String authorization = null;
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        int colon = line.indexOf(':');
        if (colon > 0
            && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("authorization")) {
          authorization = line.substring(colon + 1).trim();
        }
      }
      String[] parts = requestLine.split(" ");
      String target = parts.length > 1 ? parts[1] : "";
      seen.add(new Seen(origin, target, authorization));
      OutputStream out = connection.getOutputStream();
      switch (origin) {
        case API -> api(target, authorization, out);
        case STORAGE -> source(target, SOURCE.matcher(target), out);
        default ->
            respond(out, 403, "text/plain", "never fetch me".getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException | InterruptedException e) {
      // the client went away: nothing to answer
    }
  }

  private void api(String target, String authorization, OutputStream out)
      throws IOException, InterruptedException {
    if (!("Bearer " + apiKey).equals(authorization)) {
      respond(out, 401, "application/json", json(Map.of("error", "invalid API key")));
      return;
    }
    Matcher content = CONTENT.matcher(target);
    if (content.matches()) {
      source(target, content, out);
      return;
    }
    Matcher status = STATUS.matcher(target);
    Job job = status.matches() ? jobs.get(status.group(1)) : null;
    if (job == null) {
      respond(out, 404, "application/json", json(Map.of("error", "not found")));
      return;
    }
    switch (job.answer) {
      case NOT_FOUND -> respond(out, 404, "application/json", json(Map.of("error", "not found")));
      case UNAUTHORIZED -> respond(out, 401, "application/json", json(Map.of("error", "no")));
      case THROTTLED -> respond(out, 429, "application/json", json(Map.of("error", "slow down")));
      case SERVER_ERROR -> respond(out, 503, "application/json", json(Map.of("error", "down")));
      case OTHER_ID -> {
        Job other =
            new Job(
                "other-" + job.id, 1, job.contentType, job.unsignedUrls, VideoSize.SMALL, false);
        other.status = "completed";
        respond(out, 200, "application/json", json(statusBody(other, other.id)));
      }
      case INVALID -> {
        Map<String, Object> body = new LinkedHashMap<>(statusBody(job, job.id));
        body.put("status", "completed");
        body.put("unsigned_urls", List.of(17));
        respond(out, 200, "application/json", json(body));
      }
      case TRUTH -> respond(out, 200, "application/json", json(statusBody(job, job.id)));
      case TRICKLE -> {
        byte[] body = json(statusBody(job, job.id));
        head(out, 200, "application/json", Integer.toString(body.length));
        trickle(out, body, body.length, STATUS_TRICKLE_MILLIS);
      }
    }
  }

  private void source(String target, Matcher matcher, OutputStream out)
      throws IOException, InterruptedException {
    Job job = matcher.matches() ? jobs.get(matcher.group(1)) : null;
    if (job == null) {
      respond(out, 404, "text/plain", new byte[0]);
      return;
    }
    int index = Integer.parseInt(matcher.group(2));
    byte[] video = job.serve(index);
    SourceFault fault = takeFault(job);
    switch (fault) {
      case NONE -> respond(out, 200, job.contentType, video);
      case SLOW_HEADERS -> {
        Thread.sleep(40);
        respond(out, 200, job.contentType, video);
      }
      case STALLED -> Thread.sleep(stallMillis);
      case SERVER_ERROR -> respond(out, 503, "text/plain", new byte[0]);
      case TRUNCATED -> {
        head(out, 200, job.contentType, Long.toString(video.length + 1000L));
        out.write(video, 0, video.length / 2);
        out.flush();
      }
      case TRICKLE -> {
        head(out, 200, job.contentType, Integer.toString(video.length));
        trickle(out, video, video.length, SOURCE_TRICKLE_MILLIS);
      }
      case NEGATIVE_LENGTH -> {
        head(out, 200, job.contentType, "-5");
        out.write(video);
        out.flush();
      }
      case REDIRECT_TO_REFUSED, REDIRECT_TO_STORAGE -> {
        String location =
            fault == SourceFault.REDIRECT_TO_REFUSED
                ? "http://" + REFUSED_HOST + ":" + refusedPort + target
                : "http://" + STORAGE_HOST + ":" + storagePort + "/src/" + job.id + "/" + index;
        out.write(
            ("HTTP/1.1 302 Found\r\nLocation: "
                    + location
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    }
  }

  /** How long a trickling status answer lasts: longer than any run's budget here. */
  static final long STATUS_TRICKLE_MILLIS = 60_000;

  /** How long a trickling source lasts: longer than a download's deadline in the tests. */
  static final long SOURCE_TRICKLE_MILLIS = 10_000;

  /** A byte every 50 ms (within any idle timeout) for {@code millis}, then the connection ends. */
  private static void trickle(OutputStream out, byte[] body, int length, long millis)
      throws IOException, InterruptedException {
    for (int i = 0; i < length && i < millis / 50; i++) {
      out.write(body[i]);
      out.flush();
      Thread.sleep(50);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static synchronized SourceFault takeFault(Job job) {
    if (job.fault == SourceFault.NONE || job.faultsLeft <= 0) {
      return SourceFault.NONE;
    }
    if (job.faultsLeft != Integer.MAX_VALUE) {
      job.faultsLeft--;
    }
    return job.fault;
  }

  private static void respond(OutputStream out, int status, String type, byte[] body)
      throws IOException {
    head(out, status, type, Integer.toString(body.length));
    out.write(body);
    out.flush();
  }

  private static void head(OutputStream out, int status, String type, String length)
      throws IOException {
    out.write(
        ("HTTP/1.1 "
                + status
                + " X\r\nContent-Type: "
                + type
                + "\r\nContent-Length: "
                + length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
  }

  private static byte[] json(Map<String, ?> body) throws IOException {
    return JSON.std.asBytes(body);
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return runnable -> {
      Thread thread = new Thread(runnable, "scripted-provider-request");
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    for (ServerSocket socket : sockets) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    workers.shutdownNow();
  }
}
