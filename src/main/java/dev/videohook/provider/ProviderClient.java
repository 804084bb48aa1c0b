package dev.videohook.provider;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The provider's video API: submit a job, read its status. Both providers speak the same API; only
 * the base URL and the key differ. The key is sent only to the configured API base.
 */
public final class ProviderClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Provider provider;
  private final URI apiBase;
  private final String apiKey;
  private final HttpClient http;

  public ProviderClient(Provider provider, URI apiBase, String apiKey, HttpClient http) {
    this.provider = provider;
    this.apiBase = withoutTrailingSlash(apiBase);
    this.apiKey = apiKey;
    this.http = http;
  }

  /** A client on the {@link #sharedHttp shared} HTTP client. */
  public ProviderClient(Provider provider, URI apiBase, String apiKey) {
    this(provider, apiBase, apiKey, sharedHttp());
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
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    String id = string(json, "id");
    if (id == null || id.isBlank()) {
      throw new ProviderApiException(200, provider.id() + " accepted the job but returned no id");
    }
    return new SubmittedJob(id, string(json, "polling_url"), string(json, "status"));
  }

  /** {@code GET {apiBase}/videos/{id}}. */
  public ProviderJob status(String jobId) throws ProviderApiException {
    Map<String, Object> json =
        call(
            "status",
            HttpRequest.newBuilder(
                    URI.create(
                        apiBase + "/videos/" + URLEncoder.encode(jobId, StandardCharsets.UTF_8)))
                .GET());
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

  private Map<String, Object> call(String what, HttpRequest.Builder builder)
      throws ProviderApiException {
    HttpRequest request =
        builder
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + apiKey)
            .header("Accept", "application/json")
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ProviderApiException(
          0,
          provider.id()
              + " "
              + what
              + ": cannot reach "
              + apiBase
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderApiException(0, provider.id() + " " + what + ": interrupted");
    }
    int code = response.statusCode();
    if (code / 100 != 2) {
      throw new ProviderApiException(
          code,
          provider.id()
              + " "
              + what
              + " failed: HTTP "
              + code
              + explain(code)
              + ": "
              + errorText(response.body()));
    }
    try {
      Object tree = JSON.std.anyFrom(response.body());
      if (tree instanceof Map<?, ?> map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) map;
        return json;
      }
    } catch (IOException notJson) {
      // reported below
    }
    throw new ProviderApiException(
        code, provider.id() + " " + what + ": the answer is not a JSON object");
  }

  private String explain(int code) {
    return switch (code) {
      case 401 -> " (the API key was refused: check " + provider.apiKeyEnv() + ")";
      case 402 -> " (the account has no credits left)";
      case 429 -> " (rate limited: try again later)";
      default -> code >= 500 ? " (the provider failed: try again later)" : "";
    };
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
