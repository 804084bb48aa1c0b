package dev.videohook.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class LogSetupTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private LoggerContext context(String level) {
    LoggerContext context = new LoggerContext();
    // what logback's own service provider gives the context it configures
    context.setMDCAdapter(new LogbackMDCAdapter());
    LogSetup.configure(context, out, level);
    return context;
  }

  private List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void aLine_isOneJsonObject_withItsKeyValuesAndFormattedMessage() throws Exception {
    Logger log = context(null).getLogger("dev.videohook.webhook.WebhookReceiver");

    log.atInfo().addKeyValue("tenant", "acme").addKeyValue("outcome", "RECORDED").log("accepted");

    List<String> lines = lines();
    assertEquals(1, lines.size());
    Map<String, Object> line = JSON.std.mapFrom(lines.get(0));
    assertEquals("INFO", line.get("level"));
    assertEquals("accepted", line.get("formattedMessage"));
    assertEquals(
        List.of(Map.of("tenant", "acme"), Map.of("outcome", "RECORDED")), line.get("kvpList"));
  }

  @Test
  void theCommandLine_logsNothingByDefault_notEvenAWarning() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    LogSetup.forCommandLine(context, out, 0);
    Logger log = context.getLogger("dev.videohook.reconcile.LostWebhookPass");

    log.warn("recovered a lost webhook");
    log.error("a failure the command reports itself");

    assertEquals(List.of(), lines());
  }

  @Test
  void theCommandLine_withOneV_logsJsonLines() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    LogSetup.forCommandLine(context, out, 1);
    Logger log = context.getLogger("dev.videohook.reconcile.LostWebhookPass");

    log.debug("not shown");
    log.info("shown");

    assertEquals(1, lines().size(), lines()::toString);
    assertTrue(lines().get(0).contains("\"shown\""));
  }

  @Test
  void logLevel_setsTheRootLevel() {
    Logger log = context("warn").getLogger("dev.videohook.download.DownloadService");

    log.info("not shown");
    log.warn("shown");

    assertEquals(1, lines().size());
    assertTrue(lines().get(0).contains("\"shown\""));
  }

  @Test
  void emfDocuments_areWrittenAsTheyAre_withoutAnEnvelope() throws Exception {
    LoggerContext context = context("ERROR");
    String document = "{\"_aws\":{\"Timestamp\":1},\"Accepted\":1}";

    context.getLogger(LogSetup.EMF_LOGGER).info(document);

    assertEquals(List.of(document), lines(), "even with the root at ERROR, once, bare");
    assertFalse(lines().get(0).contains("formattedMessage"));
  }
}
