package dev.videohook.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A loopback HTTP/1.1 server that answers every connection with the same raw bytes, one byte per
 * {@code pause}: a source that trickles its status line and headers, each byte well inside any read
 * timeout. MockWebServer throttles only a body, and delays headers as a whole.
 */
public final class TricklingServer implements AutoCloseable {
  private final ServerSocket socket;
  private final Thread acceptor;

  public TricklingServer(String response, Duration pause) throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    byte[] bytes = response.getBytes(StandardCharsets.ISO_8859_1);
    acceptor =
        new Thread(
            () -> {
              while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                  client.getInputStream().read(new byte[8192]); // the request, unread beyond this
                  OutputStream out = client.getOutputStream();
                  for (byte b : bytes) {
                    out.write(b);
                    out.flush();
                    if (!pause.isZero()) {
                      Thread.sleep(pause.toMillis());
                    }
                  }
                } catch (IOException | InterruptedException closed) {
                  // the client gave up, or the server is closing
                }
              }
            },
            "trickling-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public URI url(String path) {
    return URI.create("http://localhost:" + socket.getLocalPort() + path);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
