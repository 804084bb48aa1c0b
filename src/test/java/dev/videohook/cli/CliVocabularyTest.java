package dev.videohook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.cli.CliStack.Run;
import dev.videohook.event.EventType;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line's lists of statuses come from the enums that own them. */
class CliVocabularyTest {
  private static final String EVENT_STATUSES =
      String.join(", ", Arrays.stream(EventType.values()).map(EventType::status).toList());

  @Test
  void sendTestHelp_listsEveryEventTypesStatus() {
    Run run = CliStack.run(Map.of(), "send-test", "--help");

    assertEquals(0, run.exitCode(), run.err());
    String help = run.out().replaceAll("\\s+", " ");
    assertTrue(help.contains("One of: " + EVENT_STATUSES + " (default: completed)."), help);
  }

  @Test
  void sendTestWithAnUnknownStatus_isRefused_listingEveryEventTypesStatus() {
    Run run = CliStack.run(Map.of(), "send-test", "--status", "exploded");

    assertEquals(ExitCode.USAGE, run.exitCode(), run.err());
    assertTrue(
        run.err().contains("--status must be one of " + EVENT_STATUSES + "; got 'exploded'"),
        run.err());
  }
}
