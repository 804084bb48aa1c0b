package dev.videohook.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videohook.local.SharedDynamoDb;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class PrimingTest {
  @Test
  void beforeCheckpoint_shouldReadWithoutWriting() {
    DynamoDbClient dynamoDb = SharedDynamoDb.get().client();
    String table = SharedDynamoDb.newJobTable();

    new Priming(dynamoDb, table).beforeCheckpoint(null);

    assertEquals(0, dynamoDb.scan(b -> b.tableName(table)).count());
  }

  @Test
  void beforeCheckpoint_shouldNotFail_whenDynamoDbIsUnreachable() {
    DynamoDbClient unreachable =
        AwsClients.dynamoDb(Region.US_EAST_1, Optional.of(URI.create("http://127.0.0.1:9")));

    new Priming(unreachable, "jobs").beforeCheckpoint(null);
  }

  @Test
  void register_shouldAcceptTheResource_outsideACracJvm() {
    Priming.register(SharedDynamoDb.get().client(), "jobs");
  }
}
