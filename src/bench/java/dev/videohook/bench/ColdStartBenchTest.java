package dev.videohook.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The benches never time a stranger: a port they need that something else holds stops them. */
class ColdStartBenchTest {
  @Test
  void requireFree_refusesAPortAnotherProgramListensOnLoopback() throws Exception {
    // as serve mode listens: on the loopback address only
    try (ServerSocket stranger = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> ColdStartBench.requireFree(stranger.getLocalPort()));

      assertTrue(e.getMessage().startsWith("port " + stranger.getLocalPort() + " is taken"));
    }
  }

  @Test
  void requireFree_letsAFreePortBe() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }

    assertDoesNotThrow(() -> ColdStartBench.requireFree(port));
  }
}
