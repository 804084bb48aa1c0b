package dev.videohook.simulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/** The JDK's HTTP server on a loopback port: what the simulator and the local stack serve with. */
public final class LoopbackHttpServers {
  static {
    // The JDK's server writes a response's headers and its body in two packets; without
    // TCP_NODELAY the second waits for the client's delayed ACK, ~40 ms on every small answer.
    // Read once, when the JDK creates its first server in this JVM: every local server is made here.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private LoopbackHttpServers() {}

  /** A server bound to {@code 127.0.0.1:port} (0 for any free one), not yet started. */
  public static HttpServer create(int port, int backlog) throws IOException {
    return HttpServer.create(new InetSocketAddress("127.0.0.1", port), backlog);
  }
}
