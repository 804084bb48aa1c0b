package dev.videohook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.cli.CliStack.Run;
import dev.videohook.job.JobStatus;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.Faults.Trigger;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code trigger} belongs to the local product: the production command line (the CLI jar, built
 * from target/classes) does not have it; the local one (src/local) has every production command and
 * it, its names and promises read from {@link Faults.Trigger}.
 */
class LocalCliTest {
  @Test
  void productionCommandLine_hasNoTrigger() {
    Run run = CliStack.run(Map.of(), "trigger", "failed");

    assertEquals(ExitCode.USAGE, run.exitCode(), run.err());
    assertTrue(run.err().contains("Unmatched arguments"), run.err());
    assertFalse(CliStack.run(Map.of(), "--help").out().contains("trigger"));
  }

  @Test
  void triggerCommand_isBuiltBesideTheTests_notIntoTheProductionClasses() throws Exception {
    Path built =
        Path.of(TriggerCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());

    assertEquals(Path.of("target", "test-classes").toAbsolutePath(), built);
  }

  @Test
  void localCommandLine_hasEveryProductionCommand_andTrigger() {
    String production = CliStack.run(Map.of(), "--help").out();
    String local = CliStack.runLocal(Map.of(), "--help").out();

    assertTrue(local.startsWith(production.strip().lines().findFirst().orElseThrow()), local);
    for (String line : production.lines().filter(l -> l.matches("  [a-z-]+ .*")).toList()) {
      assertTrue(local.contains(line), line + " in: " + local);
    }
    assertTrue(local.contains("  trigger "), local);
  }

  @Test
  void triggerHelp_namesEveryTrigger_withWhatItPromises() {
    Run run = CliStack.runLocal(Map.of(), "trigger", "--help");

    assertEquals(0, run.exitCode(), run.err());
    String help = run.out().replaceAll("\\s+", " ");
    assertTrue(help.contains("Usage: videohook trigger"), help);
    assertTrue(help.contains("One of: " + String.join(", ", Trigger.ids()) + "."), help);
    for (Trigger trigger : Trigger.values()) {
      assertTrue(help.contains(trigger.id() + ": " + trigger.expect()), trigger + " in: " + help);
    }
  }

  @Test
  void providerFailures_areTriggeredByTheirStatusName_andEndInIt() {
    var failures =
        Arrays.stream(JobStatus.values())
            .filter(s -> s.isProviderTerminal() && s != JobStatus.COMPLETED)
            .toList();

    for (JobStatus status : failures) {
      Trigger trigger = Trigger.named(status.value()).orElseThrow(() -> new AssertionError(status));
      assertEquals(status, trigger.endsIn());
      assertEquals(status, trigger.on(Faults.none()).outcome());
    }
  }
}
