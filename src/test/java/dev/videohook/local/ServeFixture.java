package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Serve mode started as {@code videohook-local serve} starts it, on ports a test chooses. */
final class ServeFixture {
  private ServeFixture() {}

  /** Serve, quiet, on {@code ports}, writing its settings to {@code file} and its banner to out. */
  static LocalVideohook serve(LocalPorts ports, Path file, ByteArrayOutputStream out)
      throws IOException {
    LocalMain.Serve serve = new LocalMain.Serve();
    serve.port = ports.api();
    serve.quiet = true;
    serve.ports = ports;
    serve.envFile = file;
    LocalVideohook stack =
        serve.start(new HashMap<>(), new PrintStream(out, true, StandardCharsets.UTF_8), false);
    assertNotNull(stack, "serve refused port " + ports.api());
    return stack;
  }

  /** Ports nothing listens on now (the simulators take four in a row, the API server the next). */
  static LocalPorts freePorts() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      // below Linux's ephemeral range, which outgoing connections take from
      int base = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
      boolean free = true;
      for (int i = 0; i <= 6 && free; i++) {
        free = LoopbackPort.preferred(base + i) == base + i;
      }
      if (free) {
        return new LocalPorts(base + 6, base, base + 1, base + 2);
      }
    }
    throw new IOException("no seven free ports in a row");
  }
}
