package dev.videohook.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.event.VideoEvent;
import dev.videohook.provider.Provider;
import dev.videohook.testing.SharedMoto;
import dev.videohook.webhook.HttpApiEvents;
import dev.videohook.webhook.HttpApiRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The indexes project what a job read needs and no more: every Query in JobStore returns the job
 * that a consistent GetItem returns, on a table created from JobTable's definition (which
 * TemplateContractTest holds equal to template.yaml's), while the raw event stays in the table.
 * Each phase of a job's life (submit, the webhook's commit, stored) is checked, and the write units
 * of each are printed from the item sizes, by DynamoDB's sizing rules.
 */
class IndexProjectionTest {
  private static final Instant SUBMITTED = Instant.parse("2026-01-01T00:00:00Z");

  private DynamoDbClient dynamoDb;
  private String table;
  private JobStore store;

  @BeforeEach
  void setUp() {
    dynamoDb = SharedMoto.get().client();
    table = SharedMoto.newJobTable();
    store = new JobStore(dynamoDb, table, JobStore.DEFAULT_DELIVERY_TTL);
  }

  @Test
  void everyPhaseOfAJob_readsTheSameFromEachIndex_asFromTheTable() throws Exception {
    HttpApiRequest request = HttpApiEvents.load("events/openrouter-completed.json");
    VideoEvent event =
        VideoEvent.parse(request.body().getBytes(StandardCharsets.UTF_8)).orElseThrow();
    JobKey key = new JobKey("acme", Provider.OPENROUTER, event.jobId());
    List<String> phases = new ArrayList<>();

    store.recordSubmitted(key, "google/veo-3.1-lite", "a lamp on a desk at dusk", SUBMITTED);
    phases.add(phase("submit", key, JobStatus.PENDING));

    store.recordDelivery(
        new Delivery(
            "acme",
            Provider.OPENROUTER,
            event,
            request.body(),
            "idem-1",
            SUBMITTED.plusSeconds(60)));
    phases.add(phase("commit", key, JobStatus.COMPLETED));

    store.recordDownloadFailure(
        TestJobs.lease(store, key, SUBMITTED.plusSeconds(65)),
        "connection reset",
        SUBMITTED.plusSeconds(70),
        5);
    store.markStored(
        TestJobs.lease(store, key, SUBMITTED.plusSeconds(75)),
        "videos",
        List.of(
            new StoredObject(
                "acme/openrouter/" + event.jobId() + "/0.mp4",
                12_345_678L,
                "ab".repeat(32),
                "video/mp4")),
        SUBMITTED.plusSeconds(120));
    phases.add(phase("stored", key, JobStatus.STORED));

    System.out.println("one job's life (" + table + "): " + String.join("; ", phases));
  }

  /** Checks both indexes against the table for one phase; describes its sizes. */
  private String phase(String name, JobKey key, JobStatus status) {
    Job fromTable = store.find(key).orElseThrow();
    Instant after = fromTable.times().updatedAt().plusSeconds(1);
    assertEquals(
        List.of(fromTable),
        store.jobsInStatus(status, after, 10, null).jobs(),
        name + ": by_status holds the whole job");
    assertEquals(List.of(fromTable), store.recentJobs("acme", 10), name + ": by_tenant");
    assertEquals(
        List.of(fromTable), store.jobsUpdatedSince("acme", SUBMITTED), name + ": by_tenant since");

    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                b ->
                    b.tableName(table)
                        .key(Map.of(JobTable.PK, JobItems.s(JobTable.jobKey(key))))
                        .consistentRead(true))
            .item();
    Map<String, AttributeValue> entry = indexEntry(JobTable.BY_STATUS_INDEX, status, after);
    assertFalse(entry.containsKey(JobTable.RAW_EVENT), name + ": the raw event is not projected");
    long itemBytes = ItemSize.of(item);
    long entryBytes = ItemSize.of(entry);
    assertTrue(entryBytes <= 1024, name + ": one write unit per index write, got " + entryBytes);
    return name
        + ": item "
        + itemBytes
        + " B ("
        + writeUnits(itemBytes)
        + " WCU), index entry "
        + entryBytes
        + " B ("
        + writeUnits(entryBytes)
        + " WCU)";
  }

  /** Write units of one write of this many bytes: 1 KB each, rounded up. */
  private static long writeUnits(long bytes) {
    return Math.max(1, (bytes + 1023) / 1024);
  }

  private Map<String, AttributeValue> indexEntry(String index, JobStatus status, Instant before) {
    List<Map<String, AttributeValue>> items =
        dynamoDb
            .query(
                b ->
                    b.tableName(table)
                        .indexName(index)
                        .keyConditionExpression("#s = :s AND #u < :u")
                        .expressionAttributeNames(
                            Map.of("#s", JobTable.STATUS, "#u", JobTable.UPDATED_AT))
                        .expressionAttributeValues(
                            Map.of(
                                ":s", JobItems.s(status.value()),
                                ":u", JobItems.s(before.toString()))))
            .items();
    assertEquals(1, items.size());
    return new LinkedHashMap<>(items.get(0));
  }
}
