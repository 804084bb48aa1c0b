package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two serve instances on one machine: each owns its settings file and its log, so the first one's
 * shells keep pointing at the first one.
 */
class ServeInstancesTest {
  @TempDir static Path dir;
  private static Path file;
  private static LocalVideohook first;

  @BeforeAll
  static void startTheFirstInstance() throws IOException {
    file = dir.resolve("local.env");
    first = serve(instance(file, false), new ByteArrayOutputStream());
    assertNotNull(first);
  }

  @AfterAll
  static void stopTheFirstInstance() {
    if (first != null) {
      first.close();
    }
  }

  @Test
  void aSecondInstance_writesItsOwnSettingsFile_andSaysWhich() throws Exception {
    ByteArrayOutputStream banner = new ByteArrayOutputStream();
    try (LocalVideohook second = serve(instance(file, false), banner)) {
      assertNotNull(second);
      Path own = dir.resolve("local-" + second.apiBase().getPort() + ".env");
      assertEquals(
          first.apiBase().toString(),
          LocalEnvFile.read(file).get("VIDEOHOOK_API_URL"),
          "the first instance's file is left as it was");
      assertEquals(second.apiBase().toString(), LocalEnvFile.read(own).get("VIDEOHOOK_API_URL"));
      String printed = banner.toString(StandardCharsets.UTF_8);
      assertTrue(printed.contains("set -a; . " + own + "; set +a"), printed);
      assertTrue(
          printed.contains(file + " belongs to the stack already running at " + first.apiBase()),
          printed);
    }
  }

  @Test
  void aSecondInstance_toldToWriteTheRunningInstancesFile_refuses() throws Exception {
    String before = Files.readString(file);

    LocalVideohook second = serve(instance(file, true), new ByteArrayOutputStream());

    assertNull(second, "refused: the file belongs to the running instance");
    assertEquals(before, Files.readString(file));
  }

  @Test
  void theLogFile_isNamedForThePortTheInstanceListensOn() throws Exception {
    String before = System.clearProperty(LocalMain.LOG_FILE);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      LocalMain.Serve serve = instance(dir.resolve("third.env"), false);
      serve.port = taken.getLocalPort(); // a default port another program holds
      serve.portChosen = false;
      try (LocalVideohook second = serve(serve, new ByteArrayOutputStream())) {
        assertNotEquals(taken.getLocalPort(), second.apiBase().getPort());
        assertEquals(
            "target/videohook-local-" + second.apiBase().getPort() + ".log",
            System.getProperty(LocalMain.LOG_FILE));
      }
    } finally {
      if (before == null) {
        System.clearProperty(LocalMain.LOG_FILE);
      } else {
        System.setProperty(LocalMain.LOG_FILE, before);
      }
    }
  }

  private static LocalMain.Serve instance(Path envFile, boolean envFileChosen) {
    LocalMain.Serve serve = new LocalMain.Serve();
    serve.port = 0;
    serve.quiet = true;
    serve.ports = LocalPorts.any(0);
    serve.envFile = envFile;
    serve.envFileChosen = envFileChosen;
    return serve;
  }

  private static LocalVideohook serve(LocalMain.Serve serve, ByteArrayOutputStream out)
      throws IOException {
    return serve.start(new HashMap<>(), new PrintStream(out, true, StandardCharsets.UTF_8), false);
  }
}
