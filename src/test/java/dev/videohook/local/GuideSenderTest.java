package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.provider.Provider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provider guide's own test sender (src/test/resources/guide, unchanged: it posts to
 * http://localhost:3000/openrouter/video-webhook) against the local stack in serve mode.
 */
class GuideSenderTest {
  private static final Path SENDER = Path.of("src/test/resources/guide/send-test-webhook.mjs");
  private static LocalVideohook stack;

  @BeforeAll
  static void serveOnPort3000() throws IOException {
    assumeTrue(nodeAvailable(), "Node.js 20+ is needed to run the guide's sender");
    stack = LocalVideohook.start(3000, Map.of("OPENROUTER_WEBHOOK_SECRET", "dev_secret"));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void guideSender_gets204_withTheServersSecret_andTheJobIsRecorded() throws Exception {
    assertEquals("204", runSender("dev_secret"));

    assertEquals(
        JobStatus.COMPLETED,
        stack
            .jobStore()
            .find(new JobKey("$default", Provider.OPENROUTER, "job_test"))
            .orElseThrow()
            .status());
  }

  @Test
  void guideSender_gets401_withAnotherSecret() throws Exception {
    assertEquals("401", runSender("another_secret"));
  }

  /**
   * docs/local.md's sender lines, run as written (by sh, from the repository root, as a reader
   * pastes them): each prints what its comment says.
   */
  @Test
  void docsLocalSenderLines_runAsWritten_printWhatTheirCommentsSay() throws Exception {
    List<String> lines =
        Files.readAllLines(Path.of("docs", "local.md")).stream()
            .filter(line -> line.contains("node ") && line.contains("# prints "))
            .toList();
    assertEquals(2, lines.size(), "docs/local.md's two sender lines: " + lines);
    for (String line : lines) {
      String command = line.substring(0, line.indexOf('#')).strip();
      String expected = line.substring(line.indexOf("# prints ") + "# prints ".length()).strip();
      Process process = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " did not finish within 60 s");
      String printed =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertEquals(expected, printed, command);
    }
  }

  private static String runSender(String secret) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("node", SENDER.toString()).redirectErrorStream(true);
    builder.environment().put("OPENROUTER_WEBHOOK_SECRET", secret);
    Process process = builder.start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the sender did not finish within 60 s");
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
  }

  private static boolean nodeAvailable() {
    try {
      Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      String version =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return process.waitFor(10, TimeUnit.SECONDS)
          && process.exitValue() == 0
          && version.startsWith("v")
          && Integer.parseInt(version.substring(1, version.indexOf('.'))) >= 20;
    } catch (IOException | InterruptedException | RuntimeException e) {
      return false;
    }
  }
}
