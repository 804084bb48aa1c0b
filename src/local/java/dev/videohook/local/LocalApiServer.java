package dev.videohook.local;

import dev.videohook.simulator.LoopbackHttpServers;
import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.videohook.cli.ObjectUrls;
import dev.videohook.job.Job;
import dev.videohook.job.JobItems;
import dev.videohook.job.JobScan;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.egress.UrlPolicy;
import dev.videohook.provider.Provider;
import dev.videohook.webhook.HttpApiRequest;
import dev.videohook.webhook.WebhookHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Stands in for API Gateway on this machine: each webhook request becomes the same payload 2.0
 * JSON ({@link HttpApiRequest}) AWS would send, handed to the same {@link WebhookHandler}.
 * Paths: {@code /{provider}/video-webhook} (stage {@code $default}) and {@code
 * /{stage}/{provider}/video-webhook}. Local mode only: {@code GET /jobs} and {@code GET /jobs/{id}}
 * show the stored job records, read-only, each stored object with a presigned link ({@code
 * object_urls}); {@code GET /events} the downstream events the notify handler published; {@code GET
 * /} the jobs page (plain HTML and script, no external assets) that shows both and refreshes
 * itself.
 */
public final class LocalApiServer implements AutoCloseable {
  private static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;

  private final HttpServer server;
  /** The name its request threads start with: where the receiver bench finds the handler's CPU. */
  public static final String API_THREAD = "videohook-api-";

  private final ExecutorService executor;
  private final WebhookHandler handler;
  private final JobStore jobStore;
  private final LocalEventBus eventBus;
  private final S3Presigner presigner;
  private volatile BiConsumer<String, Integer> webhookListener = (path, answer) -> {};

  private LocalApiServer(
      HttpServer server,
      WebhookHandler handler,
      JobStore jobStore,
      LocalEventBus eventBus,
      S3Presigner presigner) {
    this.server = server;
    this.handler = handler;
    this.jobStore = jobStore;
    this.eventBus = eventBus;
    this.presigner = presigner;
    this.executor = Executors.newFixedThreadPool(32, new NamedThreads(API_THREAD));
    server.setExecutor(executor);
    server.createContext("/", this::serve);
  }

  public static LocalApiServer start(
      int port,
      WebhookHandler handler,
      JobStore jobStore,
      LocalEventBus eventBus,
      S3Presigner presigner)
      throws IOException {
    HttpServer server = LoopbackHttpServers.create(port, 64);
    LocalApiServer api = new LocalApiServer(server, handler, jobStore, eventBus, presigner);
    server.start();
    return api;
  }

  private int port() {
    return server.getAddress().getPort();
  }

  /**
   * True for a {@code Host} header that names this server as a client of this machine does: a
   * loopback name or address ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}) and this
   * server's port (none only for port 80).
   */
  static boolean isOwnHost(String host, int port) {
    if (host == null) {
      return false;
    }
    URI authority;
    try {
      authority = new URI("http://" + host.strip() + "/");
    } catch (URISyntaxException e) {
      return false;
    }
    if (authority.getHost() == null
        || authority.getRawUserInfo() != null
        || !authority.getRawPath().equals("/")) {
      return false;
    }
    int named = authority.getPort() == -1 ? 80 : authority.getPort();
    return named == port && UrlPolicy.isLoopback(authority.getHost());
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The callback URL a provider would be given for this tenant. */
  public URI callbackUrl(String tenant, Provider provider) {
    String stage = tenant.equals(WebhookHandler.DEFAULT_TENANT) ? "" : "/" + tenant;
    return URI.create(baseUri() + stage + provider.webhookPath());
  }

  /**
   * Told of each webhook's path and HTTP answer, on the thread that ran the handler (so after
   * everything the receiver logged for it): serve mode's console line.
   */
  public void onWebhook(BiConsumer<String, Integer> listener) {
    webhookListener = listener;
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!isOwnHost(exchange.getRequestHeaders().getFirst("Host"), port())) {
        // DNS rebinding: a web page whose own name was pointed at 127.0.0.1 sends its requests
        // here under that name, same-origin to it, and could read /jobs; a client of this
        // machine names the loopback
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(
            exchange,
            421,
            ("this server answers only to localhost, 127.0.0.1 or [::1] on port " + port() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        return;
      }
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      if (path.equals("/jobs") || path.startsWith("/jobs/")) {
        if (!method.equals("GET")) {
          send(exchange, 405, null);
          return;
        }
        serveJobs(exchange, path);
        return;
      }
      if (method.equals("GET") && path.equals("/events")) {
        sendJson(exchange, 200, Map.of("events", eventBus.events()));
        return;
      }
      if (method.equals("GET") && path.equals("/")) {
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        send(exchange, 200, jobsPage());
        return;
      }
      if (!method.equals("POST") || Provider.fromWebhookPath(path).isEmpty()) {
        send(exchange, 404, null);
        return;
      }
      byte[] body = readBody(exchange.getRequestBody());
      if (body == null) {
        send(exchange, 413, null);
        return;
      }
      int status = invoke(toEvent(exchange, path, body));
      webhookListener.accept(path, status);
      send(exchange, status, null);
    } catch (RuntimeException e) {
      exchange.sendResponseHeaders(500, -1);
    }
  }

  private static HttpApiRequest toEvent(HttpExchange exchange, String path, byte[] body) {
    Provider provider = Provider.fromWebhookPath(path).orElseThrow();
    String prefix = path.substring(0, path.lastIndexOf(provider.webhookPath()));
    String stage = prefix.isEmpty() ? WebhookHandler.DEFAULT_TENANT : prefix.substring(1);
    Map<String, String> headers = new HashMap<>();
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
    // HTTP APIs pass text bodies as text and anything else base64-encoded
    Optional<String> text = isText(headers.get("content-type")) ? utf8(body) : Optional.empty();
    return new HttpApiRequest(
        "POST " + provider.webhookPath(),
        path,
        stage,
        headers,
        text.orElseGet(() -> Base64.getEncoder().encodeToString(body)),
        text.isEmpty());
  }

  private int invoke(HttpApiRequest request) throws IOException {
    return ((Number) invoke(handler, request).get("statusCode")).intValue();
  }

  /**
   * {@code request} handed to {@code handler} as Lambda invokes the function: the event's JSON in;
   * the response's JSON ({@code {"statusCode":N}}) out, read back.
   */
  public static Map<String, Object> invoke(WebhookHandler handler, HttpApiRequest request)
      throws IOException {
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(request.toJson()), response, null);
    return JSON.std.mapFrom(response.toByteArray());
  }

  /** Threads named {@code prefix} and a number, so a profile or a bench can tell them apart. */
  private static final class NamedThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger();

    NamedThreads(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
      return new Thread(task, prefix + next.incrementAndGet());
    }
  }

  private void serveJobs(HttpExchange exchange, String path) throws IOException {
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    List<Job> jobs =
        JobScan.allJobs(jobStore).stream()
            .filter(job -> !query.containsKey("tenant") || query.get("tenant").equals(job.tenant()))
            .filter(
                job ->
                    !query.containsKey("provider")
                        || query.get("provider").equals(job.provider().id()))
            .toList();
    if (path.equals("/jobs") || path.equals("/jobs/")) {
      Map<String, Object> listing = new LinkedHashMap<>();
      listing.put("jobs", jobs.stream().map(this::withLinks).toList());
      sendJson(exchange, 200, listing);
      return;
    }
    String jobId = URLDecoder.decode(path.substring("/jobs/".length()), StandardCharsets.UTF_8);
    Optional<Job> job = jobs.stream().filter(j -> jobId.equals(j.jobId())).findFirst();
    if (job.isEmpty()) {
      sendJson(exchange, 404, Map.of("error", "no job with id " + jobId));
      return;
    }
    sendJson(exchange, 200, withLinks(job.get()));
  }

  /** The job as plain values, with a presigned link to each stored object (valid one hour). */
  private Map<String, Object> withLinks(Job job) {
    Map<String, Object> plain = new TreeMap<>(JobItems.toPlain(job));
    List<String> urls =
        ObjectUrls.presign(presigner, job, Duration.ofHours(1)).stream()
            .map(URI::toString)
            .toList();
    if (!urls.isEmpty()) {
      plain.put("object_urls", urls);
    }
    plain.put("reason", reason(plain));
    plain.put(
        "record_url",
        "/jobs/"
            + encode(job.jobId())
            + "?tenant="
            + encode(job.tenant())
            + "&provider="
            + job.provider().id());
    return plain;
  }

  /**
   * Why the job is where it is, for the jobs page: the provider's error (failed, cancelled,
   * expired), the last failed download, or what the reconciler last found for a pending job; null
   * when there is nothing to say.
   */
  static String reason(Map<String, Object> plain) {
    String field =
        JobStatus.fromValue(String.valueOf(plain.get("status")))
            .map(LocalApiServer::reasonField)
            .orElse(null);
    if (field != null) {
      Object value = plain.get(field);
      if (value instanceof Map<?, ?> map && map.get("message") != null) {
        return String.valueOf(map.get("message"));
      }
      if (value != null && !(value instanceof Map<?, ?>) && !String.valueOf(value).isBlank()) {
        return String.valueOf(value);
      }
    }
    return null;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  /** Where a job's reason is on its record, by its status; null when a status has none. */
  static String reasonField(JobStatus status) {
    // no default: a new status does not compile until it says where its reason is
    return switch (status) {
      case FAILED, CANCELLED, EXPIRED -> "error";
      case COMPLETED, DOWNLOAD_FAILED -> "last_download_error";
      case PENDING -> "reconcile_last_outcome";
      case STORED -> null;
    };
  }

  /** How the jobs page shows a status: done, waiting, or ended without its video. */
  enum StatusTone {
    DONE("#d6f5d6"),
    WAITING("#fff3c4"),
    FAILED("#f8d0d0");

    final String background;

    StatusTone(String background) {
      this.background = background;
    }

    static StatusTone of(JobStatus status) {
      // no default: a new status does not compile until the page knows how to show it
      return switch (status) {
        case STORED -> DONE;
        case PENDING, COMPLETED -> WAITING;
        case FAILED, CANCELLED, EXPIRED, DOWNLOAD_FAILED -> FAILED;
      };
    }
  }

  /** The page's marker where the status classes go, one {@code .status-<value>} rule each. */
  static final String STATUS_STYLES_MARKER = "/* status classes: from JobStatus */";

  /** One CSS rule per status, {@code .status-<value>}, from {@link JobStatus} itself. */
  static String statusStyles() {
    StringBuilder css = new StringBuilder();
    for (JobStatus status : JobStatus.values()) {
      css.append("  .status-")
          .append(status.value())
          .append(" { background: ")
          .append(StatusTone.of(status).background)
          .append("; }\n");
    }
    return css.toString();
  }

  /** jobs.html with its status classes filled in. */
  static byte[] jobsPage() throws IOException {
    try (InputStream page = LocalApiServer.class.getResourceAsStream("jobs.html")) {
      if (page == null) {
        throw new IOException("jobs.html is not on the classpath");
      }
      String html = new String(page.readAllBytes(), StandardCharsets.UTF_8);
      if (!html.contains(STATUS_STYLES_MARKER)) {
        throw new IOException("jobs.html has no " + STATUS_STYLES_MARKER);
      }
      return html.replace(STATUS_STYLES_MARKER, statusStyles().strip())
          .getBytes(StandardCharsets.UTF_8);
    }
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return params;
  }

  private static boolean isText(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.toLowerCase(Locale.ROOT);
    return type.startsWith("application/json") || type.startsWith("text/");
  }

  private static Optional<String> utf8(byte[] body) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** The body, or null when it is larger than API Gateway would accept. */
  private static byte[] readBody(InputStream in) throws IOException {
    byte[] body = in.readNBytes(MAX_REQUEST_BYTES + 1);
    return body.length > MAX_REQUEST_BYTES ? null : body;
  }

  private static void sendJson(HttpExchange exchange, int status, Object value) throws IOException {
    byte[] json = JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asBytes(value);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    send(exchange, status, json);
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    if (body == null || status == 204) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    presigner.close();
    executor.shutdownNow();
  }
}
