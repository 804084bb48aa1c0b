package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.download.VideoDownloader;
import dev.videohook.provider.Provider;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.ProviderSimulator;
import dev.videohook.testing.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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

  @Test
  void printsEachDownloadsStartProgressAndOutcome_andTheDownstreamEvent() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (LocalVideohook stack = serve(false, captured)) {
      ProviderSimulator simulator = stack.simulator(Provider.OPENROUTER);
      long size = 5 * VideoDownloader.PROGRESS_EVERY_BYTES / 2; // two progress lines, then stored
      simulator.setFaults(Faults.none().withVideoBytes(size));
      String stored = stack.submit(Provider.OPENROUTER, "acme", "google/veo-3.1-lite", "x").id();
      String job = "openrouter job " + stored + " (tenant acme)";
      List<String> lines = awaitLine(captured, "event", job);
      String mib = String.format(Locale.ROOT, "%.1f MiB", size / 1048576.0);
      assertLine(lines, "download", job + " #0 started, " + mib);
      assertLine(
          lines,
          "download",
          job
              + String.format(
                  Locale.ROOT, " #0 %.1f MiB of ", VideoDownloader.PROGRESS_EVERY_BYTES / 1048576.0)
              + mib
              + " so far");
      assertLine(lines, "download", job + " stored " + size + " bytes as ");
      assertLine(lines, "event", "Video Stored " + job);

      simulator.setFaults(Faults.none().withTruncatedContent());
      String cut = stack.submit(Provider.OPENROUTER, "acme", "google/veo-3.1-lite", "y").id();
      String cutJob = "openrouter job " + cut + " (tenant acme)";
      lines = awaitLine(captured, "download", cutJob + " failed: ");
      assertLine(lines, "download", cutJob + " #0 started, 1.0 MiB");
    }
  }

  @Test
  void colours_theLabelOnly_greenForAnAcceptedWebhook_redForARefusal() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    LocalMain.Serve serve = new LocalMain.Serve();
    serve.port = 0;
    serve.envFile = Files.createTempDirectory("serve-console").resolve("local.env");
    try (LocalVideohook stack =
        serve.start(
            new HashMap<>(), new PrintStream(captured, true, StandardCharsets.UTF_8), true)) {
      sendGoodAndForged(stack, "job-console-colour");
      List<String> lines = awaitLine(captured, "webhook", "-> 401");
      assertTrue(
          lines.stream()
              .anyMatch(
                  l ->
                      l.contains("\u001b[32mwebhook  \u001b[0m POST")
                          && l.contains("job-console-colour completed -> 204")),
          lines::toString);
      assertTrue(
          lines.stream()
              .anyMatch(
                  l -> l.contains("\u001b[31mwebhook  \u001b[0m POST") && l.contains("-> 401")),
          lines::toString);
    }
  }

  @Test
  void motoDying_isSaid_andTheWebhooks500LineNamesMotoAsTheReason() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (LocalVideohook stack = serve(false, captured)) {
      URI url = stack.callbackUrl("acme", Provider.OPENROUTER);
      String secret = stack.webhookSecret(Provider.OPENROUTER);
      assertEquals(
          204,
          LocalMain.post(url, Provider.OPENROUTER, secret, LocalMain.completedEvent("job-before")));
      String moto = stack.dynamoDbEndpoint().getHost() + ":" + stack.dynamoDbEndpoint().getPort();

      ProcessHandle.of(stack.moto().pid()).orElseThrow().destroyForcibly();
      awaitLine(captured, "moto", "moto (DynamoDB, Secrets Manager, EventBridge, SQS) at " + moto);
      int answer =
          LocalMain.post(url, Provider.OPENROUTER, secret, LocalMain.completedEvent("job-after"));

      assertEquals(500, answer);
      List<String> lines = awaitLine(captured, "webhook", "job job-after -> 500");
      assertLine(
          lines,
          "webhook",
          "job job-after -> 500 storage_failed: moto (DynamoDB, Secrets Manager) is"
              + " unreachable at "
              + moto
              + " (it exited); restart serve");
    }
  }

  /** The console's lines once one has {@code label} and {@code text} (60 s at most). */
  private static List<String> awaitLine(ByteArrayOutputStream captured, String label, String text)
      throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    List<String> lines = List.of();
    while (System.nanoTime() < deadline) {
      lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
      if (lines.stream().anyMatch(l -> hasLine(l, label, text))) {
        return lines;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + label + " line with '" + text + "' in:\n" + lines);
  }

  private static void assertLine(List<String> lines, String label, String text) {
    assertTrue(
        lines.stream().anyMatch(l -> hasLine(l, label, text)),
        "no " + label + " line with '" + text + "' in:\n" + String.join("\n", lines));
  }

  private static boolean hasLine(String line, String label, String text) {
    String plain = line.replaceAll("\u001b\\[[0-9;]*m", "");
    return plain.contains(" " + label + " ") && plain.contains(text);
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
    // the cut download's lines are the same after millisecond pauses as after the Lambda's seconds
    serve.downloadRetries = LocalStackExtension.QUICK_DOWNLOAD_RETRIES;
    return serve.start(
        new HashMap<>(), new PrintStream(captured, true, StandardCharsets.UTF_8), false);
  }
}
