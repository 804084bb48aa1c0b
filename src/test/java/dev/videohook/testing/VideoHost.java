package dev.videohook.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;

/**
 * A video source or provider API on okhttp's {@link MockWebServer}, on loopback: each path has a
 * script of responses (the last one repeats; an unknown path gets 404), and every request it
 * received is kept, headers included, so a test can tell where a bearer token went.
 *
 * <p>What MockWebServer cannot do (a connection reset, an action timed to a byte of the body, a
 * body larger than memory) is {@link StreamingSource}'s.
 */
public final class VideoHost implements AutoCloseable {
  /** Makes the response to one request. */
  @FunctionalInterface
  public interface Reply {
    MockResponse response();
  }

  private final MockWebServer server = new MockWebServer();
  private final Map<String, Deque<Reply>> scripts = new HashMap<>();
  private final List<RecordedRequest> received = new ArrayList<>();

  public VideoHost() {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return next(request.getPath()).response();
          }
        });
    try {
      server.start(InetAddress.getLoopbackAddress(), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("no loopback port for the video host", e);
    }
  }

  /** Responses for {@code target} (a path, with its query if the request has one), in order. */
  public synchronized VideoHost on(String target, Reply... responses) {
    scripts.put(target, new ArrayDeque<>(List.of(responses)));
    return this;
  }

  public URI url(String target) {
    return URI.create("http://127.0.0.1:" + server.getPort() + target);
  }

  /** The same host under another name for the same address: another origin. */
  public URI urlAs(String host, String target) {
    return URI.create("http://" + host + ":" + server.getPort() + target);
  }

  /** Every request received so far, in order of arrival. */
  public synchronized List<RecordedRequest> received() {
    try {
      for (RecordedRequest r = server.takeRequest(0, TimeUnit.MILLISECONDS);
          r != null;
          r = server.takeRequest(0, TimeUnit.MILLISECONDS)) {
        received.add(r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return List.copyOf(received);
  }

  public List<RecordedRequest> received(String target) {
    return received().stream().filter(r -> target.equals(r.getPath())).toList();
  }

  private synchronized Reply next(String target) {
    Deque<Reply> script = scripts.get(target);
    if (script == null && target != null && target.indexOf('?') != -1) {
      script = scripts.get(target.substring(0, target.indexOf('?')));
    }
    if (script == null || script.isEmpty()) {
      return status(404);
    }
    return script.size() > 1 ? script.poll() : script.peek();
  }

  @Override
  public void close() {
    try {
      server.shutdown();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  // --- responses ---

  public static Reply ok(byte[] body, String contentType) {
    return () -> new MockResponse().setHeader("Content-Type", contentType).setBody(buffer(body));
  }

  public static Reply status(int status) {
    return () -> new MockResponse().setResponseCode(status);
  }

  public static Reply redirect(int status, URI location) {
    return () -> new MockResponse().setResponseCode(status).setHeader("Location", location);
  }

  /** No Content-Length: the body ends when the connection closes. */
  public static Reply withoutLength(byte[] body, String contentType) {
    return () ->
        new MockResponse()
            .setHeader("Content-Type", contentType)
            .setBody(buffer(body))
            .removeHeader("Content-Length")
            .setSocketPolicy(SocketPolicy.DISCONNECT_AT_END);
  }

  /** Declares the whole body, sends its first half, then closes the connection cleanly. */
  public static Reply truncated(byte[] body) {
    return () ->
        new MockResponse()
            .setHeader("Content-Type", "video/mp4")
            .setBody(buffer(body))
            .setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY);
  }

  /**
   * Declares the whole body, sends its first {@code sent} bytes, then sends nothing more on a
   * connection it keeps open: the client's read times out.
   */
  public static Reply stall(byte[] body, int sent) {
    return () ->
        new MockResponse()
            .setHeader("Content-Type", "video/mp4")
            .setBody(new Buffer().write(body, 0, sent))
            .setHeader("Content-Length", body.length)
            .setSocketPolicy(SocketPolicy.KEEP_OPEN);
  }

  /**
   * Sends its status line and headers at once, then the body one byte per {@code every}: each byte
   * well inside any read or idle timeout, the whole body as slow as the test wants.
   */
  public static Reply trickled(byte[] body, String contentType, Duration every) {
    return () ->
        new MockResponse()
            .setHeader("Content-Type", contentType)
            .setBody(buffer(body))
            .throttleBody(1, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Buffer buffer(byte[] body) {
    return new Buffer().write(body);
  }
}
