package dev.videohook.webhook;

import static dev.videohook.webhook.JobTableAssertions.allItems;
import static dev.videohook.webhook.SignedRequests.SECRET;
import static dev.videohook.webhook.SignedRequests.T;
import static dev.videohook.webhook.SignedRequests.completedBody;
import static dev.videohook.webhook.SignedRequests.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.job.JobStore;
import dev.videohook.provider.Provider;
import dev.videohook.secrets.EnvironmentTenantSecrets;
import dev.videohook.testing.SharedMoto;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * SnapStart priming walks a delivery's path, the commit's requests included, and writes nothing.
 */
class ReceiverPrimingTest {
  private final DynamoDbClient dynamoDb = SharedMoto.get().client();
  private final String table = SharedMoto.newJobTable();
  private final WebhookReceiver receiver =
      new WebhookReceiver(
          new JobStore(dynamoDb, table),
          new EnvironmentTenantSecrets(Map.of(Provider.OPENROUTER.webhookSecretEnv(), SECRET)),
          Duration.ofSeconds(300),
          64 * 1024,
          Clock.fixed(Instant.ofEpochSecond(T), ZoneOffset.UTC));

  @Test
  void prime_writesNothing() {
    receiver.prime();
    receiver.prime();

    assertTrue(allItems(dynamoDb, table).isEmpty());
  }

  @Test
  void aDeliveryAfterPriming_isRecordedAsAnyOther() {
    receiver.prime();

    assertEquals(
        204,
        HttpApiEvents.status(
            new WebhookHandler(receiver),
            signed(Provider.OPENROUTER, "$default", completedBody("job_primed"))));
    assertEquals(1, allItems(dynamoDb, table).size(), "the job item, and nothing from priming");
  }
}
