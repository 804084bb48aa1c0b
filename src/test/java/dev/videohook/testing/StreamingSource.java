package dev.videohook.testing;

import dev.videohook.simulator.GeneratedBytes;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A plain-socket HTTP/1.1 video source, one request per connection, for what okhttp's MockWebServer
 * ({@link VideoHost}) cannot do: a body generated while it is sent (MockWebServer holds a whole
 * body in one buffer, which would swamp the bounded-memory measurements and the download bench), a
 * TCP reset mid-body (its socket policies only close cleanly), and an action timed to a byte of the
 * body (waiting until the client has started a multipart upload, moving a test clock). Each path
 * has a script of replies; the last one repeats. It records every request it received.
 */
public final class StreamingSource implements AutoCloseable {
  /** A request as received; header names in lower case. */
  public record Received(String method, String target, Map<String, String> headers) {}

  /** Writes one response on a connection. */
  @FunctionalInterface
  public interface Reply {
    void write(Socket socket, OutputStream out) throws IOException;
  }

  private final ServerSocket server;
  private final ExecutorService threads;
  private final Map<String, Deque<Reply>> scripts = new HashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  public StreamingSource() {
    try {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (IOException e) {
      throw new IllegalStateException("no loopback port for the streaming source", e);
    }
    threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "streaming-source");
              t.setDaemon(true);
              return t;
            });
    threads.execute(this::acceptLoop);
  }

  /** Replies for {@code target} (a path, with its query if the request has one), in order. */
  public synchronized StreamingSource on(String target, Reply... replies) {
    scripts.put(target, new ArrayDeque<>(List.of(replies)));
    return this;
  }

  public URI url(String target) {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + target);
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public List<Received> received(String target) {
    return received.stream().filter(r -> r.target().equals(target)).toList();
  }

  private synchronized Reply next(String target) {
    Deque<Reply> script = scripts.get(target);
    if (script == null) {
      int query = target.indexOf('?');
      script = query == -1 ? null : scripts.get(target.substring(0, query));
    }
    if (script == null || script.isEmpty()) {
      return (socket, out) -> head(out, 404, "Content-Length: 0");
    }
    return script.size() > 1 ? script.poll() : script.peek();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        threads.execute(() -> serve(socket));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String requestLine = line(in);
      if (requestLine == null || requestLine.isEmpty()) {
        return;
      }
      Map<String, String> headers = new HashMap<>();
      for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
        int colon = header.indexOf(':');
        if (colon > 0) {
          headers.put(
              header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
              header.substring(colon + 1).trim());
        }
      }
      String[] parts = requestLine.split(" ");
      String target = parts.length > 1 ? parts[1] : "/";
      received.add(new Received(parts[0], target, Map.copyOf(headers)));
      OutputStream out = socket.getOutputStream();
      next(target).write(socket, out);
      out.flush();
    } catch (IOException dropped) {
      // the client went away, or a reply reset the connection on purpose
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int c = in.read(); c != -1; c = in.read()) {
      if (c == '\n') {
        String s = bytes.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      bytes.write(c);
    }
    return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
  }

  private static void head(OutputStream out, int status, String... headers) throws IOException {
    StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " X\r\nConnection: close\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  // --- replies ---

  public static Reply ok(byte[] body, String contentType) {
    return (socket, out) -> {
      head(out, 200, "Content-Type: " + contentType, "Content-Length: " + body.length);
      out.write(body);
    };
  }

  /** {@code size} generated bytes, with Content-Length, made while sending. */
  public static Reply generated(long size, String contentType) {
    return (socket, out) -> {
      head(out, 200, "Content-Type: " + contentType, "Content-Length: " + size);
      GeneratedBytes.write(out, size);
    };
  }

  /**
   * Declares the whole body, sends its first {@code sent} bytes, runs {@code beforeEnd} (e.g. waits
   * until the client has started a multipart upload), then closes cleanly.
   */
  public static Reply truncated(byte[] body, int sent, Runnable beforeEnd) {
    return (socket, out) -> {
      head(out, 200, "Content-Type: video/mp4", "Content-Length: " + body.length);
      out.write(body, 0, sent);
      out.flush();
      beforeEnd.run();
    };
  }

  /**
   * Sends the first {@code sent} bytes, runs {@code between} (e.g. waits until a store is down),
   * then sends the rest: the whole body, as declared.
   */
  public static Reply paused(byte[] body, int sent, Runnable between) {
    return (socket, out) -> {
      head(out, 200, "Content-Type: video/mp4", "Content-Length: " + body.length);
      out.write(body, 0, sent);
      out.flush();
      between.run();
      out.write(body, sent, body.length - sent);
    };
  }

  /** Sends the first {@code sent} bytes, then resets the connection (TCP RST). */
  public static Reply reset(byte[] body, int sent) {
    return reset(body, sent, () -> {});
  }

  /** Sends the first {@code sent} bytes, runs {@code beforeEnd}, then resets the connection. */
  public static Reply reset(byte[] body, int sent, Runnable beforeEnd) {
    return (socket, out) -> {
      head(out, 200, "Content-Type: video/mp4", "Content-Length: " + body.length);
      out.write(body, 0, sent);
      out.flush();
      beforeEnd.run();
      socket.setSoLinger(true, 0);
      socket.close();
    };
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    threads.shutdownNow();
  }
}
