package dev.videohook.webhook;

import static dev.videohook.webhook.JobTableAssertions.allItems;
import static dev.videohook.webhook.SignedRequests.SECRET;
import static dev.videohook.webhook.SignedRequests.T;
import static dev.videohook.webhook.SignedRequests.completedBody;
import static dev.videohook.webhook.SignedRequests.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.metrics.Metrics;
import dev.videohook.provider.Provider;
import dev.videohook.testing.SharedMoto;
import dev.videohook.testing.StubSecrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A job belongs to the tenant that submitted it (invariant 10), on moto: a validly signed delivery
 * of tenant A's job at tenant B's URL (one secret shared by both, the replay the docs warn of) is
 * answered 2xx, so the provider stops, writes nothing and is counted; A's job is unchanged.
 */
class TenantIsolationTest {
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(T), ZoneOffset.UTC);
  private static final Provider PROVIDER = Provider.OPENROUTER;
  private static final String JOB = "gen-vid-1764144000-AbCdEfGhIjKlMnOpQrSt";

  private final List<String> metricLines = new CopyOnWriteArrayList<>();
  private DynamoDbClient dynamoDb;
  private String table;
  private JobStore store;
  private WebhookHandler handler;

  @BeforeEach
  void newTable() {
    dynamoDb = SharedMoto.get().client();
    table = SharedMoto.newJobTable();
    store = new JobStore(dynamoDb, table, JobStore.DEFAULT_DELIVERY_TTL);
    // the one secret both tenants share: what makes a replay across them verify
    handler =
        new WebhookHandler(
            new WebhookReceiver(
                store,
                StubSecrets.signing((tenant, provider) -> List.of(SECRET)),
                Duration.ofSeconds(300),
                64 * 1024,
                CLOCK),
            new Metrics(Metrics.LOCAL_STACK, metricLines::add, CLOCK));
  }

  private int status(HttpApiRequest event) {
    return HttpApiEvents.status(handler, event);
  }

  @Test
  void deliveryOfAnotherTenantsJob_isAcknowledgedWritesNothingAndIsCounted() {
    JobKey owned = new JobKey("tenant-a", PROVIDER, JOB);
    store.recordSubmitted(owned, "google/veo-3.1-lite", "a lamp", CLOCK.instant());
    Job before = store.find(owned).orElseThrow();
    int items = allItems(dynamoDb, table).size();

    int answer = status(signed(PROVIDER, "tenant-b", completedBody(JOB)));

    assertEquals(204, answer, "2xx: retrying can never make it tenant-b's job");
    assertTrue(store.find(new JobKey("tenant-b", PROVIDER, JOB)).isEmpty(), "no second job");
    assertEquals(before, store.find(owned).orElseThrow(), "tenant-a's job is unchanged");
    assertEquals(items, allItems(dynamoDb, table).size(), "nothing written at all");
    assertEquals(1, metricLines.stream().filter(l -> l.contains(Metrics.FOREIGN_TENANT)).count());
  }

  @Test
  void deliveryOfTheOwnersJob_atItsOwnUrl_isRecorded() {
    JobKey owned = new JobKey("tenant-a", PROVIDER, JOB);
    store.recordSubmitted(owned, "google/veo-3.1-lite", "a lamp", CLOCK.instant());

    assertEquals(204, status(signed(PROVIDER, "tenant-a", completedBody(JOB))));

    assertEquals(JobStatus.COMPLETED, store.find(owned).orElseThrow().status());
    assertTrue(metricLines.stream().noneMatch(l -> l.contains(Metrics.FOREIGN_TENANT)));
  }

  @Test
  void deliveryOfAJobSubmittedElsewhere_isStillRecorded_underTheTenantItArrivedFor() {
    assertEquals(204, status(signed(PROVIDER, "tenant-b", completedBody(JOB))));

    assertEquals(
        JobStatus.COMPLETED,
        store.find(new JobKey("tenant-b", PROVIDER, JOB)).orElseThrow().status());
  }
}
