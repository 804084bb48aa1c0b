package dev.videohook.startup;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The functions' logging, set up in code: one JSON object per line on standard output (CloudWatch
 * Logs Insights reads the fields directly), and CloudWatch Embedded Metric Format documents as they
 * are on the {@value #EMF_LOGGER} logger. Logback finds this class through {@code
 * META-INF/services} before it looks for XML; setting it up in code rather than from a file loads
 * about a thousand fewer classes at a cold start. A {@code logback-test.xml} on the class path (the
 * tests, the local stack) still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
  /** The logger whose messages are whole EMF documents, written without an envelope. */
  public static final String EMF_LOGGER = "videohook.emf";

  /** {@code LOG_LEVEL}: the root level, INFO unless set. */
  public static final String LOG_LEVEL = "LOG_LEVEL";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (getClass().getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    configure(context, System.out, System.getenv(LOG_LEVEL));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * The command line's logging: standard output carries a command's results only, so log lines and
   * metric documents go to standard error, and only when asked for. None by default: a command says
   * what matters itself, once, in words (a JSON line repeating its summary is noise); {@code
   * verbosity} 1 (one {@code -v}) shows INFO lines and the EMF documents, 2 and more DEBUG lines.
   */
  public static void forCommandLine(int verbosity) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return; // another SLF4J binding: it decides
    }
    forCommandLine(context, System.err, verbosity);
  }

  /** {@link #forCommandLine(int)} on {@code context}, its lines to {@code err}. */
  static void forCommandLine(LoggerContext context, OutputStream err, int verbosity) {
    context.reset();
    configure(context, err, verbosity <= 0 ? "OFF" : verbosity == 1 ? "INFO" : "DEBUG");
    context.getLogger(EMF_LOGGER).setLevel(verbosity <= 0 ? Level.OFF : Level.INFO);
  }

  /** Sets up {@code context} to write to {@code out}; {@code level} null means INFO. */
  static void configure(LoggerContext context, OutputStream out, String level) {
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level == null ? "INFO" : level.toUpperCase(Locale.ROOT)));
    JsonEncoder json = new JsonEncoder();
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithFormattedMessage(true);
    json.setWithMessage(false);
    json.setWithArguments(false);
    root.addAppender(appender(context, "JSON", json, out));

    Logger emf = context.getLogger(EMF_LOGGER);
    emf.setLevel(Level.INFO);
    emf.setAdditive(false);
    emf.addAppender(appender(context, "EMF", new MessageOnly(), out));
  }

  private static OutputStreamAppender<ILoggingEvent> appender(
      LoggerContext context, String name, Encoder<ILoggingEvent> encoder, OutputStream out) {
    encoder.setContext(context);
    encoder.start();
    boolean console = out == System.out || out == System.err;
    OutputStreamAppender<ILoggingEvent> appender;
    if (console) {
      // a console appender never closes the process's stream when logging is set up again
      ConsoleAppender<ILoggingEvent> consoleAppender = new ConsoleAppender<>();
      consoleAppender.setTarget(out == System.err ? "System.err" : "System.out");
      appender = consoleAppender;
    } else {
      appender = new OutputStreamAppender<>();
    }
    appender.setContext(context);
    appender.setName(name);
    appender.setEncoder(encoder);
    if (!console) {
      appender.setOutputStream(out);
    }
    appender.start();
    return appender;
  }

  /** The formatted message and a newline, nothing else: an EMF line is a JSON document itself. */
  static final class MessageOnly extends EncoderBase<ILoggingEvent> {
    @Override
    public byte[] headerBytes() {
      return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
      return (event.getFormattedMessage() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
      return null;
    }
  }
}
