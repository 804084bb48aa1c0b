package dev.videohook.webhook;

import dev.videohook.provider.Provider;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Builds the API Gateway HTTP API events a provider's delivery turns into. */
final class SignedRequests {
  static final String SECRET = "dev_secret";
  static final long T = 1764144000L;

  private SignedRequests() {}

  static String completedBody(String jobId) {
    return "{\"type\":\"video.generation.completed\",\"created_at\":\"2025-11-26T08:00:00Z\","
        + "\"data\":{\"id\":\""
        + jobId
        + "\",\"status\":\"completed\",\"generation_id\":\"gen-1\","
        + "\"model\":\"google/veo-3.1-lite\",\"unsigned_urls\":[\"https://cdn.example.com/"
        + jobId
        + ".mp4\"],\"usage\":{\"cost\":0.4,\"is_byok\":false}}}";
  }

  static String failedBody(String jobId) {
    return "{\"type\":\"video.generation.failed\",\"created_at\":\"2025-11-26T08:00:00Z\","
        + "\"data\":{\"id\":\""
        + jobId
        + "\",\"status\":\"failed\",\"error\":\"safety filter\"}}";
  }

  static HttpApiRequest signed(Provider provider, String tenant, String body) {
    return withSignature(provider, tenant, body, provider.sign(SECRET, T, bytes(body)));
  }

  static HttpApiRequest withSignature(
      Provider provider, String tenant, String body, String signatureHeader) {
    Map<String, String> headers = new HashMap<>();
    headers.put("content-type", "application/json");
    if (signatureHeader != null) {
      headers.put(provider.signatureHeader().toLowerCase(), signatureHeader);
    }
    return event(provider.webhookPath(), tenant, headers, body);
  }

  static HttpApiRequest event(
      String routePath, String tenant, Map<String, String> headers, String body) {
    String rawPath = tenant.equals("$default") ? routePath : "/" + tenant + routePath;
    return event("POST " + routePath, rawPath, tenant, headers, body, false);
  }

  /** A POST as API Gateway hands it over, every part as given. */
  static HttpApiRequest event(
      String routeKey,
      String rawPath,
      String stage,
      Map<String, String> headers,
      String body,
      boolean base64) {
    return new HttpApiRequest(routeKey, rawPath, stage, headers, body, base64);
  }

  static byte[] bytes(String body) {
    return body.getBytes(StandardCharsets.UTF_8);
  }
}
