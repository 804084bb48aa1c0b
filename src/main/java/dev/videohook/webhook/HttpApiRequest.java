package dev.videohook.webhook;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parts of an API Gateway HTTP API request (payload format 2.0) the webhook reads, as the
 * Lambda runtime hands the function its event: JSON bytes. Read here with jackson-jr, rather than
 * as aws-lambda-java-events' {@code APIGatewayV2HTTPEvent}, so the webhook's artifact carries
 * neither that library nor the runtime's reflective event mapping.
 *
 * @param routeKey {@code POST /openrouter/video-webhook}; the path when {@code rawPath} is absent
 * @param rawPath the request's path, the stage's name first unless the stage is {@code $default}
 * @param stage {@code requestContext.stage}: the tenant
 * @param headers as API Gateway passes them (lower-case names, repeated headers joined by commas)
 * @param body the body as text, or base64 when {@code base64Encoded}
 * @param base64Encoded {@code isBase64Encoded}: API Gateway encodes a body it does not take for
 *     text
 */
public record HttpApiRequest(
    String routeKey,
    String rawPath,
    String stage,
    Map<String, String> headers,
    String body,
    boolean base64Encoded) {

  /** Reads the event the Lambda runtime passes; fields it does not name are ignored. */
  public static HttpApiRequest read(InputStream event) throws IOException {
    Map<String, Object> json = JSON.std.mapFrom(event);
    if (json == null) {
      throw new IOException("the event is JSON null, not an HTTP API request");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (json.get("headers") instanceof Map<?, ?> given) {
      given.forEach(
          (name, value) -> {
            if (name instanceof String n && value instanceof String v) {
              headers.put(n, v);
            }
          });
    }
    String stage =
        json.get("requestContext") instanceof Map<?, ?> context ? text(context.get("stage")) : null;
    return new HttpApiRequest(
        text(json.get("routeKey")),
        text(json.get("rawPath")),
        stage,
        headers,
        text(json.get("body")),
        Boolean.TRUE.equals(json.get("isBase64Encoded")));
  }

  /**
   * This request as payload 2.0 JSON, the form {@link #read} takes: what the local stack's API
   * hands the handler, as API Gateway would.
   */
  public byte[] toJson() {
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("stage", stage);
    context.put("routeKey", routeKey);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("version", "2.0");
    json.put("routeKey", routeKey);
    json.put("rawPath", rawPath);
    json.put("headers", headers);
    json.put("requestContext", context);
    json.put("body", body);
    json.put("isBase64Encoded", base64Encoded);
    try {
      return JSON.std.asBytes(json);
    } catch (IOException e) {
      throw new IllegalStateException("strings and maps always write", e);
    }
  }

  private static String text(Object value) {
    return value instanceof String s ? s : null;
  }
}
