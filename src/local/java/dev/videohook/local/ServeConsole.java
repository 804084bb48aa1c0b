package dev.videohook.local;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.FileAppender;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Serve mode's live console: one readable line per webhook, download outcome, reconciler recovery
 * and downstream event, and one when moto exits. A webhook answered 5xx because moto is down says
 * so on its line (the receiver's log only says the table or the secrets could not be read). It reads the key-value pairs the handlers already log (never the message
 * text), so the console and the JSON log file cannot disagree; only values the handlers chose to
 * log are shown, so no secret reaches the terminal either.
 */
final class ServeConsole extends AppenderBase<ILoggingEvent> {
  private static final String ROOT = "dev.videohook";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final String GREEN = "32";
  private static final String RED = "31";
  private static final String YELLOW = "33";
  private static final String CYAN = "36";

  /** What the receiver logged for the webhook this thread is handling, read by its answer line. */
  private final ThreadLocal<Map<String, Object>> webhook = new ThreadLocal<>();

  /** How long a connection to moto may take before the console calls it unreachable. */
  private static final Duration MOTO_CHECK = Duration.ofMillis(500);

  private final PrintStream out;
  private final boolean colour;

  /**
   * What is wrong with moto, the store behind every webhook, when something is: asked only after a
   * webhook was answered 5xx, whose reason is otherwise only in the JSON log.
   */
  private final Supplier<Optional<String>> storeProblem;

  ServeConsole(PrintStream out, boolean colour) {
    this(out, colour, Optional::empty);
  }

  ServeConsole(PrintStream out, boolean colour, Supplier<Optional<String>> storeProblem) {
    this.out = out;
    this.colour = colour;
    this.storeProblem = storeProblem;
  }

  /** Colour on a terminal only, and never when NO_COLOR is set (https://no-color.org). */
  static boolean colourWanted(Map<String, String> env) {
    return System.console() != null && env.get("NO_COLOR") == null;
  }

  /** Prints the stack's events on {@code out} until the stack is closed. */
  static ServeConsole attach(LocalVideohook stack, PrintStream out, boolean colour) {
    MotoServer moto = stack.moto();
    String where = moto.endpoint().getHost() + ":" + moto.endpoint().getPort();
    ServeConsole console =
        new ServeConsole(
            out,
            colour,
            () ->
                moto.isReachable(MOTO_CHECK)
                    ? Optional.empty()
                    : Optional.of(
                        "moto (DynamoDB, Secrets Manager) is unreachable at "
                            + where
                            + (moto.isAlive() ? "" : " (it exited)")
                            + "; restart serve"));
    moto.onUnexpectedExit(
        code ->
            console.print(
                RED,
                "moto",
                "moto (DynamoDB, Secrets Manager, EventBridge, SQS) at "
                    + where
                    + " exited with code "
                    + code
                    + ": webhooks get 5xx and nothing is stored until serve is restarted"));
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    console.setContext(context);
    console.setName("SERVE_CONSOLE");
    console.start();
    context.getLogger(ROOT).addAppender(console);
    stack.onWebhook(console::webhook);
    return console;
  }

  void detach() {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(ROOT).detachAppender(this);
    stop();
  }

  /** The JSON log file the local stack writes, as logback was configured to. */
  static Optional<String> logFile() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    return context.getLoggerList().stream()
        .flatMap(
            logger -> {
              java.util.List<String> files = new java.util.ArrayList<>();
              logger
                  .iteratorForAppenders()
                  .forEachRemaining(
                      appender -> {
                        if (appender instanceof FileAppender<?> file) {
                          files.add(file.getFile());
                        }
                      });
              return files.stream();
            })
        .findFirst();
  }

  @Override
  protected void append(ILoggingEvent event) {
    Map<String, Object> kv = keyValues(event);
    String logger = event.getLoggerName();
    Object outcome = kv.get("outcome");
    if (logger.endsWith(".WebhookReceiver")) {
      // the last line wins: a refusal's or the write's outcome, not the adjustments noted before
      webhook.set(kv);
    } else if (logger.endsWith(".VideoDownloader") && kv.containsKey("bytes")) {
      print(GREEN, "download", job(kv) + " stored " + kv.get("bytes") + " bytes as " + kv.get("key"));
    } else if (logger.endsWith(".VideoDownloader") && "started".equals(text(outcome))) {
      Optional<String> length = length(kv);
      print(
          null,
          "download",
          job(kv) + " #" + kv.get("index") + " started, " + length.orElse("length unknown"));
    } else if (logger.endsWith(".VideoDownloader") && "progress".equals(text(outcome))) {
      print(
          null,
          "download",
          job(kv)
              + " #"
              + kv.get("index")
              + " "
              + mib(kv.get("bytesSoFar"))
              + length(kv).map(l -> " of " + l).orElse("")
              + " so far");
    } else if (logger.endsWith(".DownloadService")
        && ("failed".equals(text(outcome)) || "deadline".equals(text(outcome)))) {
      print(RED, "download", job(kv) + " failed: " + kv.get("error"));
    } else if (logger.endsWith(".LostWebhookPass") && "recovered".equals(text(outcome))) {
      print(
          YELLOW,
          "reconcile",
          job(kv) + " recovered: its webhook never came, provider says " + kv.get("status"));
    } else if (logger.endsWith(".NotifyHandler") && "published".equals(text(outcome))) {
      print(CYAN, "event", kv.get("detailType") + " " + job(kv));
    }
  }

  /** The webhook's line: its path, the receiver's view of it, and the HTTP answer. */
  void webhook(String path, int answer) {
    Map<String, Object> kv = Optional.ofNullable(webhook.get()).orElse(Map.of());
    webhook.remove();
    StringBuilder line = new StringBuilder("POST ").append(path);
    if (kv.containsKey("jobId")) {
      line.append(" job ").append(kv.get("jobId"));
    }
    if (kv.containsKey("status")) {
      line.append(" ").append(kv.get("status"));
    } else if (kv.containsKey("eventType")) {
      line.append(" ").append(kv.get("eventType"));
    }
    line.append(" -> ").append(answer);
    if (answer >= 400 && kv.containsKey("outcome")) {
      line.append(" ").append(text(kv.get("outcome")));
      if (kv.containsKey("reason")) {
        Object reason = kv.get("reason");
        // a verifier's reason is an enum constant (MISMATCH): shown as words, a parser's as written
        line.append(": ")
            .append(reason instanceof Enum<?> e ? text(e).replace('_', ' ') : reason);
      }
    } else if (kv.containsKey("outcome")) {
      line.append(" (").append(text(kv.get("outcome"))).append(")");
    }
    if (answer >= 500) {
      // the receiver's own reason (storage failed, no secret) does not say that moto is why
      storeProblem.get().ifPresent(problem -> line.append(": ").append(problem));
    }
    print(answer < 300 ? GREEN : RED, "webhook", line.toString());
  }

  private void print(String colourCode, String what, String detail) {
    String label = String.format("%-9s", what);
    String line = LocalTime.now().format(TIME) + " " + paint(colourCode, label) + " " + detail;
    synchronized (out) {
      out.println(line);
      out.flush();
    }
  }

  private String paint(String code, String text) {
    return colour && code != null ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
  }

  /** A download's length in MiB, when the source declared one. */
  private static Optional<String> length(Map<String, Object> kv) {
    return kv.get("length") instanceof Number n && n.longValue() >= 0
        ? Optional.of(mib(n))
        : Optional.empty();
  }

  private static String mib(Object bytes) {
    return bytes instanceof Number n
        ? String.format(java.util.Locale.ROOT, "%.1f MiB", n.longValue() / 1048576.0)
        : String.valueOf(bytes);
  }

  private static String job(Map<String, Object> kv) {
    return kv.get("provider") + " job " + kv.get("jobId") + " (tenant " + kv.get("tenant") + ")";
  }

  private static String text(Object value) {
    return value == null ? null : value.toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static Map<String, Object> keyValues(ILoggingEvent event) {
    Map<String, Object> kv = new HashMap<>();
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        kv.put(pair.key, pair.value);
      }
    }
    return kv;
  }
}
