package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.provider.Provider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Serve mode's console: started as serve starts it, its output captured. */
class ServeConsoleTest {
  private static final String JOB = "job-console-1";

  @Test
  void printsOneLinePerWebhookWithTheRefusalReason() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    String banner;
    List<String> lines;
    try (LocalVideohook stack = serve(false, captured)) {
      banner = captured.toString(StandardCharsets.UTF_8);
      sendGoodAndForged(stack, JOB);
      lines =
          captured
              .toString(StandardCharsets.UTF_8)
              .substring(banner.length())
              .lines()
              .filter(line -> line.contains(" webhook "))
              .toList();
    }
    // the file logback really writes (in a test JVM another test may have configured it first)
    assertTrue(
        banner.contains("Logs, as JSON lines: " + ServeConsole.logFile().orElseThrow()), banner);
    assertEquals(2, lines.size(), lines::toString);
    String good = lines.get(0);
    String forged = lines.get(1);
    assertTrue(
        good.contains("POST /acme/openrouter/video-webhook job " + JOB + " completed -> 204"),
        good);
    assertFalse(good.contains("\u001b["), "no colour when not asked for: " + good);
    // the verifier's reason, as the receiver logs it
    assertTrue(
        forged.contains("POST /acme/openrouter/video-webhook -> 401 unauthorized: mismatch"),
        forged);
    assertFalse(forged.contains("not-the-secret"), forged);
    assertFalse(forged.contains(LocalVideohook.DEFAULT_SECRET), forged);
  }

  @Test
  void quietPrintsTheBannerOnly() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (LocalVideohook stack = serve(true, captured)) {
      String banner = captured.toString(StandardCharsets.UTF_8);
      assertTrue(banner.contains("videohook local stack is up"), banner);
      sendGoodAndForged(stack, "job-console-quiet");
      assertEquals(banner, captured.toString(StandardCharsets.UTF_8));
    }
  }

  private static void sendGoodAndForged(LocalVideohook stack, String jobId) throws Exception {
    URI url = stack.callbackUrl("acme", Provider.OPENROUTER);
    String event = LocalMain.completedEvent(jobId);
    String secret = stack.webhookSecret(Provider.OPENROUTER);
    assertEquals(204, LocalMain.post(url, Provider.OPENROUTER, secret, event));
    assertEquals(401, LocalMain.post(url, Provider.OPENROUTER, "not-the-secret", event));
  }

  private static LocalVideohook serve(boolean quiet, ByteArrayOutputStream captured)
      throws Exception {
    LocalMain.Serve serve = new LocalMain.Serve();
    serve.port = 0;
    serve.quiet = quiet;
    serve.envFile = Files.createTempDirectory("serve-console").resolve("local.env");
    return serve.start(
        new HashMap<>(), new PrintStream(captured, true, StandardCharsets.UTF_8), false);
  }
}
