package dev.videohook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.cli.CliStack.Run;
import dev.videohook.local.LocalVideohook;
import dev.videohook.local.MotoServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code videohook smoke}: one signed test event to a tenant's webhook URL, the 204 and the
 * recorded job checked, and nothing of it left in the table; here against the local stack, with the
 * settings serve mode writes.
 */
class SmokeCommandTest {
  @RegisterExtension static final CliStack STACK = new CliStack("sk-smoke");

  @Test
  void smoke_shouldGet204_findTheRecordedJob_andLeaveNothingInTheTable() {
    Run run = smoke("-t", "acme", "-p", "openrouter");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("/acme/openrouter/video-webhook: 204"), run.out());
    assertTrue(run.out().contains("recorded in " + LocalVideohook.TABLE + ": failed"), run.out());
    assertTrue(run.out().contains("smoke test passed"), run.out());
    assertEquals(List.of(), smokeItems());
  }

  @Test
  void smoke_forEachProvider_shouldPass() {
    Run run = smoke("-t", "demo", "-p", "modelgates");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("/demo/modelgates/video-webhook: 204"), run.out());
  }

  @Test
  void smoke_refusedSignature_shouldFailNaming401_andLeaveNothingInTheTable() {
    Run run = smoke("-t", "acme", "--secret", "not_the_secret");

    assertEquals(ExitCode.FAILED, run.exitCode());
    assertTrue(run.err().contains("401: the receiver refused the signature"), run.err());
    assertEquals(List.of(), smokeItems());
  }

  @Test
  void smoke_withoutTheStacksSettings_shouldNameEveryMissingOneAndHowToLoadThem() {
    Run run = CliStack.run(Map.of(), "smoke", "-t", "acme");

    assertEquals(ExitCode.CONFIGURATION, run.exitCode());
    assertTrue(
        run.err().contains("VIDEOHOOK_API_URL, JOBS_TABLE are not set")
            && run.err().contains("videohook env --stack NAME > stack.env"),
        run.err());
  }

  private static Run smoke(String... args) {
    Map<String, String> env = STACK.env();
    env.put("OPENROUTER_WEBHOOK_SECRET", LocalVideohook.DEFAULT_SECRET);
    env.put("MODELGATES_WEBHOOK_SECRET", LocalVideohook.DEFAULT_SECRET);
    String[] line = new String[args.length + 1];
    line[0] = "smoke";
    System.arraycopy(args, 0, line, 1, args.length);
    return CliStack.run(env, line);
  }

  /** Every item of the table a smoke test wrote (its job ids start smoke_). */
  private static List<Map<String, AttributeValue>> smokeItems() {
    try (DynamoDbClient dynamoDb =
        MotoServer.configure(DynamoDbClient.builder(), STACK.stack().dynamoDbEndpoint()).build()) {
      return dynamoDb.scanPaginator(b -> b.tableName(LocalVideohook.TABLE)).items().stream()
          .filter(item -> item.toString().contains(SmokeCommand.JOB_ID_PREFIX))
          .toList();
    }
  }
}
