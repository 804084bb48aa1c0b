package dev.videohook.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free ports on loopback, for a server that must be told its port before it starts. */
public final class LoopbackPort {
  private LoopbackPort() {}

  /** A port nothing listens on right now (another process may still take it before use). */
  public static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /**
   * {@code preferred} when nothing listens on it right now, else a free one; 0 for any free one.
   */
  public static int preferred(int preferred) {
    if (preferred == 0) {
      return free();
    }
    try (ServerSocket socket = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException taken) {
      return free();
    }
  }
}
