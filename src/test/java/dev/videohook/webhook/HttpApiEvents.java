package dev.videohook.webhook;

import dev.videohook.local.LocalApiServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * HTTP API events as the Lambda runtime passes them: the {@code events/} files {@code sam local
 * invoke} takes, and invocations through the handler's stream entry point, JSON in and out.
 */
public final class HttpApiEvents {
  private HttpApiEvents() {}

  /** An {@code events/} file (a path from the project's root), read as the handler reads it. */
  public static HttpApiRequest load(String path) {
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      return HttpApiRequest.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The response's JSON when Lambda hands {@code request} to the handler. */
  public static Map<String, Object> invoke(WebhookHandler handler, HttpApiRequest request) {
    try {
      return LocalApiServer.invoke(handler, request);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The status code API Gateway answers {@code request} with. */
  public static int status(WebhookHandler handler, HttpApiRequest request) {
    return ((Number) invoke(handler, request).get("statusCode")).intValue();
  }
}
