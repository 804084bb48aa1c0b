package dev.videohook.e2e;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A page in headless Chromium at a given window width, and one script evaluated in it through the
 * DevTools protocol (a WebSocket): what a page lays out at that width, which {@code --dump-dom}
 * cannot say.
 */
final class DevTools {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private DevTools() {}

  /**
   * Headless Chromium with a profile of its own: without the background-networking flags it keeps
   * trying hosts this machine cannot reach.
   */
  static List<String> headless(String browser, Path profile) {
    return List.of(
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + profile);
  }

  /**
   * Opens {@code page} in a window {@code width} px wide and returns what {@code script} (an
   * expression, a promise of a string allowed) gives.
   */
  static String evaluate(String browser, URI page, int width, String script) throws Exception {
    Path profile = Files.createTempDirectory("videohook-devtools");
    List<String> command = new ArrayList<>(headless(browser, profile));
    command.addAll(
        List.of(
            "--hide-scrollbars",
            "--remote-debugging-port=0",
            "--window-size=" + width + ",800",
            page.toString()));
    Process chromium =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      URI socket = pageSocket(port(profile.resolve("DevToolsActivePort"), chromium), page);
      Answers answers = new Answers();
      WebSocket ws =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(socket, answers)
              .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      try {
        Instant deadline = Instant.now().plus(TIMEOUT);
        for (int id = 1; Instant.now().isBefore(deadline); id++) {
          ws.sendText(
              JSON.std.asString(
                  Map.of(
                      "id",
                      id,
                      "method",
                      "Runtime.evaluate",
                      "params",
                      Map.of("expression", script, "awaitPromise", true, "returnByValue", true))),
              true);
          Map<String, Object> reply = answers.to(id, deadline);
          @SuppressWarnings("unchecked")
          Map<String, Object> result = (Map<String, Object>) reply.get("result");
          if (result == null) {
            // the tab was still navigating to the page: its first context went away; again
            Thread.sleep(200);
            continue;
          }
          @SuppressWarnings("unchecked")
          Map<String, Object> value = (Map<String, Object>) result.get("result");
          if (value == null || result.containsKey("exceptionDetails")) {
            throw new IllegalStateException("the script failed in the page: " + reply);
          }
          return String.valueOf(value.get("value"));
        }
        throw new IOException("the page did not answer within " + TIMEOUT);
      } finally {
        ws.abort();
      }
    } finally {
      chromium.destroy();
      if (!chromium.waitFor(10, TimeUnit.SECONDS)) {
        chromium.destroyForcibly();
      }
    }
  }

  /** The port Chromium writes into its profile once its DevTools server listens. */
  private static int port(Path activePort, Process chromium) throws Exception {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!chromium.isAlive()) {
        throw new IllegalStateException("chromium exited with " + chromium.exitValue());
      }
      if (Files.exists(activePort)) {
        List<String> lines = Files.readAllLines(activePort, StandardCharsets.UTF_8);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          return Integer.parseInt(lines.get(0).trim());
        }
      }
      Thread.sleep(100);
    }
    throw new IOException("chromium's DevTools did not start within " + TIMEOUT);
  }

  /** The WebSocket of the tab showing {@code page}. */
  private static URI pageSocket(int port, URI page) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      String listing =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      for (Object target : JSON.std.listFrom(listing)) {
        @SuppressWarnings("unchecked")
        Map<String, Object> tab = (Map<String, Object>) target;
        if ("page".equals(tab.get("type"))
            && String.valueOf(tab.get("url")).startsWith(page.toString())) {
          return URI.create(String.valueOf(tab.get("webSocketDebuggerUrl")));
        }
      }
      Thread.sleep(100);
    }
    throw new IOException("no tab showing " + page);
  }

  /** The browser's messages, each whole, in order. */
  private static final class Answers implements WebSocket.Listener {
    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final StringBuilder parts = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      parts.append(data);
      if (last) {
        messages.add(parts.toString());
        parts.setLength(0);
      }
      socket.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      messages.add(error);
    }

    /** The answer to command {@code id}; events and older answers are skipped. */
    Map<String, Object> to(int id, Instant deadline) throws Exception {
      while (true) {
        Object message =
            messages.poll(
                Math.max(1, Duration.between(Instant.now(), deadline).toMillis()),
                TimeUnit.MILLISECONDS);
        if (message == null) {
          throw new IOException("no answer from the browser within " + TIMEOUT);
        }
        if (message instanceof Throwable error) {
          throw new IOException("the DevTools connection failed", error);
        }
        Map<String, Object> reply = JSON.std.mapFrom(message);
        if (reply.get("id") instanceof Number n && n.intValue() == id) {
          return reply;
        }
      }
    }
  }
}
