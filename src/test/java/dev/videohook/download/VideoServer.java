package dev.videohook.download;

import dev.videohook.testing.GeneratedBytes;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A plain-socket HTTP/1.1 server for video sources, one request per connection, that can also
 * misbehave: truncate a body, reset the connection mid-body, stall, answer any status or redirect.
 * Each path has a script of replies; the last one repeats. It records every request it received,
 * headers included, so a test can tell where a bearer token went.
 */
public final class VideoServer implements AutoCloseable {
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

  public VideoServer() {
    try {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (IOException e) {
      throw new IllegalStateException("no loopback port for the video server", e);
    }
    threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "video-server");
              t.setDaemon(true);
              return t;
            });
    threads.execute(this::acceptLoop);
  }

  /** Replies for {@code target} (a path, with its query if the request has one), in order. */
  public synchronized VideoServer on(String target, Reply... replies) {
    scripts.put(target, new ArrayDeque<>(List.of(replies)));
    return this;
  }

  public URI url(String target) {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + target);
  }

  /** The same server under another host name for the same address: another origin. */
  public URI urlAs(String host, String target) {
    return URI.create("http://" + host + ":" + server.getLocalPort() + target);
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
      return status(404);
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

  /** No Content-Length: the body ends when the connection closes. */
  public static Reply withoutLength(byte[] body, String contentType) {
    return (socket, out) -> {
      head(out, 200, "Content-Type: " + contentType);
      out.write(body);
    };
  }

  public static Reply status(int status) {
    return (socket, out) -> head(out, status, "Content-Length: 0");
  }

  public static Reply redirect(int status, URI location) {
    return (socket, out) -> head(out, status, "Location: " + location, "Content-Length: 0");
  }

  /** Declares the whole body, sends only its first {@code sent} bytes, then closes cleanly. */
  public static Reply truncated(byte[] body, int sent) {
    return truncated(body, sent, () -> {});
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
   * Sends the first {@code sent} bytes, runs {@code between} (e.g. moves a test clock), then sends
   * the rest: the whole body, as declared.
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

  /** Sends the first {@code sent} bytes, then waits, sending nothing, until {@code release}. */
  public static Reply stall(byte[] body, int sent, CountDownLatch release) {
    return (socket, out) -> {
      head(out, 200, "Content-Type: video/mp4", "Content-Length: " + body.length);
      out.write(body, 0, sent);
      out.flush();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
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
