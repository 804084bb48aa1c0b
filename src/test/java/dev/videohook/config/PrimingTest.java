package dev.videohook.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videohook.job.JobStore;
import dev.videohook.testing.SharedMoto;
import java.net.URI;
import java.util.Optional;
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

    new Priming(new JobStore(unreachable, "jobs")::prime).beforeCheckpoint(null);
  }

  @Test
  void register_shouldAcceptTheResource_outsideACracJvm() {
    Priming.register(new JobStore(SharedMoto.get().client(), "jobs")::prime);
  }
}
