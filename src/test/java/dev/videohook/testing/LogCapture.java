package dev.videohook.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/**
 * Everything the application logs while it is open, encoded as the JSON lines that would be written
 * (messages, key-value pairs, causes and their stack traces): what a test searches for a secret
 * that must not be there.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final JsonEncoder encoder = new JsonEncoder();

  public LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    logger = context.getLogger("dev.videohook");
    appender.setContext(context);
    appender.start();
    encoder.setContext(context);
    encoder.start();
    logger.addAppender(appender);
  }

  /** Every line logged so far, as written. */
  public String text() {
    StringBuilder out = new StringBuilder();
    for (ILoggingEvent event : appender.list) {
      out.append(new String(encoder.encode(event), StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  public int lines() {
    return appender.list.size();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
