package dev.videohook.startup;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.videohook.config.AwsClients;
import dev.videohook.config.SharedConfig;
import dev.videohook.job.JobStore;
import dev.videohook.testing.SharedMoto;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class PrimingTest {
  @Test
  void beforeCheckpoint_shouldReadWithoutWriting() {
    DynamoDbClient dynamoDb = SharedMoto.get().client();
    String table = SharedMoto.newJobTable();

    new Priming(new JobStore(dynamoDb, table)::prime).beforeCheckpoint(null);

    assertEquals(0, dynamoDb.scan(b -> b.tableName(table)).count());
  }

  @Test
  void beforeCheckpoint_shouldNotFail_whenDynamoDbIsUnreachable() {
    DynamoDbClient unreachable =
        AwsClients.dynamoDb(
            new SharedConfig(
                "jobs",
                Region.US_EAST_1,
                Optional.of(URI.create("http://127.0.0.1:9")),
                Optional.empty()));

    JobStore store = new JobStore(unreachable, "jobs");
    AtomicReference<RuntimeException> failed = new AtomicReference<>();
    Runnable call =
        () -> {
          try {
            store.prime();
          } catch (RuntimeException e) {
            failed.set(e);
            throw e;
          }
        };

    assertDoesNotThrow(() -> new Priming(call).beforeCheckpoint(null));
    assertNotNull(failed.get(), "the priming call ran, failed, and its failure stayed inside");
  }

  @Test
  void register_shouldKeepTheResourceWithoutCalling_outsideACracJvm() {
    AtomicInteger calls = new AtomicInteger();
    int before = Priming.registered();

    assertDoesNotThrow(() -> Priming.register(calls::incrementAndGet));

    assertEquals(before + 1, Priming.registered(), "kept reachable: CRaC holds it weakly");
    assertEquals(0, calls.get(), "no checkpoint outside a CRaC JVM, so no priming call");
  }
}
