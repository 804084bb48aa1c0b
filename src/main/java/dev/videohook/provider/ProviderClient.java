package dev.videohook.provider;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.egress.TransportFailures;
import dev.videohook.retry.Deadline;
import dev.videohook.retry.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's video API: submit a job, read its status, list the video models. Both providers
 * speak the same API; only the base URL and the key differ. The key is sent only to the configured
 * API base. A 429 or 503 with {@code Retry-After} is tried again within {@link RetryAfter}'s
 * bounds, for every caller (the command line, the reconciler, the downloader).
 *
 * <p>Every call has ONE total deadline, headers and body together: {@value #TIMEOUT_SECONDS} s, or
 * less when the caller's {@link Deadline} leaves less. The JDK client's request timeout covers only
 * the wait for the headers, so the whole exchange is awaited on its future for the time left and
 * cancelled (its connection closed) when that runs out: a provider that trickles its answer cannot
 * hold a caller past its deadline. A call that runs out fails as a {@link
 * ProviderApiException#isTimeout timeout}, an outcome like any other.
 */
public final class ProviderClient {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderClient.class);
  private static final int TIMEOUT_SECONDS = 30;

  /** The longest any one call may take, headers and body, whatever the caller's deadline. */
  private static final Duration TIMEOUT = Duration.ofSeconds(TIMEOUT_SECONDS);

  private final Provider provider;
  private final URI apiBase;
  private final String apiKey;
  private final HttpClient http;
  private final RetryAfter retryAfter;
  private final Clock clock;
  private final Sleeper sleeper;

  /**
   * @param apiKey the bearer key, or null for a call the provider answers without one ({@link
   *     #models})
   */
  public ProviderClient(
      Provider provider,
      URI apiBase,
      String apiKey,
      HttpClient http,
      RetryAfter retryAfter,
      Clock clock,
      Sleeper sleeper) {
    this.provider = provider;
    this.apiBase = withoutTrailingSlash(apiBase);
    this.apiKey = apiKey;
    this.http = http;
    this.retryAfter = retryAfter;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  public ProviderClient(Provider provider, URI apiBase, String apiKey, HttpClient http) {
    this(provider, apiBase, apiKey, http, RetryAfter.DEFAULT, Clock.systemUTC(), Sleeper.SYSTEM);
  }

  /** A client on the {@link #sharedHttp shared} HTTP client. */
  public ProviderClient(Provider provider, URI apiBase, String apiKey) {
    this(provider, apiBase, apiKey, sharedHttp());
  }

  public ProviderClient(Provider provider, URI apiBase, String apiKey, RetryAfter retryAfter) {
    this(provider, apiBase, apiKey, sharedHttp(), retryAfter, Clock.systemUTC(), Sleeper.SYSTEM);
  }

  /**
   * The one HTTP client every provider API call shares (built once, on first use): no redirects
   * followed, so the key never travels to another origin.
   */
  public static HttpClient sharedHttp() {
    return SharedHttp.CLIENT;
  }

  private static final class SharedHttp {
    static final HttpClient CLIENT =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public Provider provider() {
    return provider;
  }

  public URI apiBase() {
    return apiBase;
  }

  /** {@code POST {apiBase}/videos}. */
  public SubmittedJob submit(SubmitRequest request) throws ProviderApiException {
    byte[] body;
    try {
      body = JSON.std.asBytes(request.toJson());
    } catch (IOException e) {
      throw new IllegalArgumentException("the request cannot be written as JSON", e);
    }
    Map<String, Object> json =
        call(
            "submit",
            HttpRequest.newBuilder(URI.create(apiBase + "/videos"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
            Deadline.none());
    String id = string(json, "id");
    if (id == null || id.isBlank()) {
      throw new ProviderApiException(200, provider.id() + " accepted the job but returned no id");
    }
    return new SubmittedJob(id, string(json, "polling_url"), string(json, "status"));
  }

  /**
   * {@code GET {apiBase}/videos/models}: every video model and what it accepts. Sent with the key
   * when the client has one.
   */
  public VideoModels models() throws ProviderApiException {
    String body =
        fetch(
            "models",
            HttpRequest.newBuilder(URI.create(apiBase + "/videos/models")).GET(),
            Deadline.none());
    try {
      return VideoModels.parse(body);
    } catch (IllegalArgumentException e) {
      throw new ProviderApiException(200, provider.id() + " models: " + e.getMessage());
    }
  }

  /**
   * {@code GET {apiBase}/key}: the API key's spending limit and what is left of it, read before
   * money is spent.
   */
  public KeyLimit key() throws ProviderApiException {
    Map<String, Object> json =
        call("key", HttpRequest.newBuilder(URI.create(apiBase + "/key")).GET(), Deadline.none());
    if (!(json.get("data") instanceof Map<?, ?> data)) {
      throw new ProviderApiException(200, provider.id() + " key: the answer has no data");
    }
    return KeyLimit.from(data);
  }

  /** {@code GET {apiBase}/videos/{id}}, within the client's own limit. */
  public ProviderJob status(String jobId) throws ProviderApiException {
    return status(jobId, Deadline.none());
  }

  /**
   * {@code GET {apiBase}/videos/{id}}, answered in full (retries on {@code Retry-After} included)
   * before {@code deadline}, or a {@link ProviderApiException#isTimeout timeout}.
   */
  public ProviderJob status(String jobId, Deadline deadline) throws ProviderApiException {
    Map<String, Object> json =
        call(
            "status",
            HttpRequest.newBuilder(
                    URI.create(
                        apiBase + "/videos/" + URLEncoder.encode(jobId, StandardCharsets.UTF_8)))
                .GET(),
            deadline);
    Object urls = json.get("unsigned_urls");
    List<String> unsignedUrls =
        urls instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    Object error = json.get("error");
    return new ProviderJob(
        string(json, "id"),
        string(json, "status"),
        unsignedUrls,
        error == null ? null : String.valueOf(error),
        json);
  }

  private Map<String, Object> call(String what, HttpRequest.Builder builder, Deadline deadline)
      throws ProviderApiException {
    String body = fetch(what, builder, deadline);
    try {
      Object tree = JSON.std.anyFrom(body);
      if (tree instanceof Map<?, ?> map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) map;
        return json;
      }
    } catch (IOException notJson) {
      // reported below
    }
    throw new ProviderApiException(
        200, provider.id() + " " + what + ": the answer is not a JSON object");
  }

  /**
   * The body of a 2xx answer, after the retries {@link RetryAfter} allows, all before {@code
   * deadline}.
   */
  private String fetch(String what, HttpRequest.Builder builder, Deadline deadline)
      throws ProviderApiException {
    builder.header("Accept", "application/json");
    if (apiKey != null) {
      builder.header("Authorization", "Bearer " + apiKey);
    }
    for (int retries = 0; ; retries++) {
      HttpResponse<String> response = send(what, builder, deadline);
      int code = response.statusCode();
      if (code / 100 == 2) {
        return response.body();
      }
      Optional<Duration> asked =
          RetryAfter.appliesTo(code)
              ? RetryAfter.asked(
                  response.headers().firstValue("Retry-After").orElse(null),
                  response.headers().firstValue("X-RateLimit-Remaining").orElse(null),
                  response.headers().firstValue("X-RateLimit-Reset").orElse(null),
                  clock.instant())
              : Optional.empty();
      Optional<Duration> wait =
          retryAfter
              .waitBeforeRetry(retries, asked)
              // a wait the deadline would cut short is not taken: the answer is the outcome
              .filter(w -> deadline.timeLeftWithin(w).compareTo(w) >= 0);
      if (wait.isEmpty()) {
        ErrorBody error = ErrorBody.parse(response.body());
        throw new ProviderApiException(
            code,
            provider.id()
                + " "
                + what
                + " failed: HTTP "
                + code
                + explain(code, asked.orElse(null), error)
                + ": "
                + error.message(),
            asked.orElse(null),
            error.errorType(),
            error.limitSource());
      }
      LOG.atInfo()
          .addKeyValue("provider", provider.id())
          .addKeyValue("call", what)
          .addKeyValue("httpStatus", code)
          .addKeyValue("waitSeconds", wait.get().toSeconds())
          .log("the provider asked to retry after a wait: waiting");
      try {
        sleeper.sleep(wait.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProviderApiException(0, provider.id() + " " + what + ": interrupted");
      }
    }
  }

  /**
   * One exchange, headers and body, within the time the deadline leaves (at most {@link #TIMEOUT}).
   * The body is read by the client while this thread waits on the exchange's future for that time;
   * when it runs out the future is cancelled, which aborts the exchange and closes its connection,
   * so a trickled body is not read on in the background either.
   */
  private HttpResponse<String> send(String what, HttpRequest.Builder builder, Deadline deadline)
      throws ProviderApiException {
    Duration left = deadline.timeLeftWithin(TIMEOUT);
    if (left.isZero()) {
      throw timedOut(what, left);
    }
    // the request timeout bounds the headers inside the client too; the wait below, the whole
    HttpRequest request = builder.timeout(left).build();
    CompletableFuture<HttpResponse<String>> exchange =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    try {
      return exchange.get(left.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw timedOut(what, left);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof HttpTimeoutException) {
        throw timedOut(what, left);
      }
      throw new ProviderApiException(
          0,
          provider.id()
              + " "
              + what
              + ": cannot reach "
              + apiBase
              + ": "
              + TransportFailures.beforeAnswer(
                  e.getCause(), TransportFailures.Stage.UNKNOWN, TIMEOUT, TIMEOUT));
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new ProviderApiException(0, provider.id() + " " + what + ": interrupted");
    }
  }

  private ProviderApiException timedOut(String what, Duration allowed) {
    return ProviderApiException.timeout(
        provider.id()
            + " "
            + what
            + ": no full answer from "
            + apiBase
            + " within "
            + allowed.toMillis()
            + " ms (timeout)");
  }

  private String explain(int code, Duration asked, ErrorBody error) {
    String later =
        asked == null ? "try again later" : "the provider asks to wait " + asked.toSeconds() + " s";
    return switch (code) {
      case 401 ->
          apiKey == null
              ? " (the provider wants an API key: set " + provider.apiKeyEnv() + ")"
              : " (the API key was refused: check " + provider.apiKeyEnv() + ")";
      case 402 -> " (" + paymentCause(error) + ")";
      case 429 -> " (rate limited: " + later + ")";
      default -> code >= 500 ? " (the provider failed: " + later + ")" : "";
    };
  }

  /** What a 402 means and what to do, from the error's {@code limit_source} and message. */
  private String paymentCause(ErrorBody error) {
    String check = "`videohook credits -p " + provider.id() + "` shows the key's limit";
    String source = error.limitSource() == null ? "" : error.limitSource();
    String message = error.message().toLowerCase(java.util.Locale.ROOT);
    if (source.equals("openrouter_key_limit") || message.contains("key limit")) {
      return "this API key's spending limit is used up: raise the key's limit or wait for its"
          + " reset; "
          + check;
    }
    if (source.equals("openrouter_in_flight_budget")) {
      return "the account's in-flight spending budget is full: try again once running requests"
          + " settle";
    }
    if (source.equals("openrouter_credits")
        || message.contains("credit")
        || message.contains("balance")) {
      return "no credits left on the account: its balance is used up or negative, add credits";
    }
    return "no credits left on the account or on this key: " + check;
  }

  /**
   * An error answer's body: {@code {"error": {code, message, metadata: {error_type,
   * limit_source}}}}; each part null when absent, the message never (the raw body instead).
   */
  record ErrorBody(String message, String errorType, String limitSource) {
    static ErrorBody parse(String body) {
      String errorType = null;
      String limitSource = null;
      try {
        if (JSON.std.anyFrom(body) instanceof Map<?, ?> map
            && map.get("error") instanceof Map<?, ?> error) {
          Object metadata = error.get("metadata");
          if (metadata instanceof Map<?, ?> meta) {
            errorType = text(meta.get("error_type"));
            limitSource = text(meta.get("limit_source"));
          }
          if (errorType == null) {
            errorType = text(error.get("error_type"));
          }
        }
      } catch (IOException | RuntimeException notJson) {
        // the message below says what came
      }
      return new ErrorBody(errorText(body), errorType, limitSource);
    }

    private static String text(Object value) {
      return value instanceof String text && !text.isBlank() && text.length() <= 100 ? text : null;
    }
  }

  /** The provider's own message: {@code {"error":{"message":...}}}, else the body, shortened. */
  static String errorText(String body) {
    try {
      Object tree = JSON.std.anyFrom(body);
      if (tree instanceof Map<?, ?> map) {
        Object error = map.get("error");
        if (error instanceof Map<?, ?> detail && detail.get("message") != null) {
          return String.valueOf(detail.get("message"));
        }
        if (error instanceof String text) {
          return text;
        }
        if (map.get("message") != null) {
          return String.valueOf(map.get("message"));
        }
      }
    } catch (IOException | RuntimeException notJson) {
      // fall through to the raw text
    }
    String text = body == null ? "" : body.strip();
    return text.isEmpty()
        ? "(no message)"
        : text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  private static String string(Map<String, Object> json, String name) {
    Object value = json.get(name);
    return value == null ? null : String.valueOf(value);
  }

  private static URI withoutTrailingSlash(URI uri) {
    String text = uri.toString();
    return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
  }
}
