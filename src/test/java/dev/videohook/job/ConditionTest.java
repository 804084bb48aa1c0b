package dev.videohook.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.provider.Provider;
import dev.videohook.testing.SharedMoto;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

/**
 * Every condition the job store writes says on an item what DynamoDB's protocol says: for each
 * condition of {@link JobExpressions} and each kind of item (every status, with and without a
 * lease, live, run out or another's, a terminal delivery, a next check due or not, no item at all),
 * {@link Condition#test} agrees with moto's answer to a conditional write. The in-memory store
 * tests these very conditions, so it cannot drift from the table.
 */
class ConditionTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final JobKey JOB = new JobKey("acme", Provider.OPENROUTER, "job-1");
  private static final DownloadLease MINE =
      DownloadLease.claimed(JOB, NOW.minusSeconds(60), NOW.plusSeconds(60));

  private static DynamoDbClient dynamoDb;
  private static String table;

  @BeforeAll
  static void table() {
    dynamoDb = SharedMoto.get().client();
    table = SharedMoto.newJobTable();
  }

  private static Map<String, Condition> conditions() {
    Map<String, Condition> all = new LinkedHashMap<>();
    all.put("absent", JobExpressions.absent());
    all.put("present", JobExpressions.present());
    all.put("committable", JobExpressions.committable());
    all.put("inStatus(pending)", JobExpressions.inStatus(JobStatus.PENDING));
    all.put(
        "inStatus(completed, stored)",
        JobExpressions.inStatus(JobStatus.COMPLETED, JobStatus.STORED));
    all.put("waitingForVideo", JobExpressions.waitingForVideo());
    all.put("claimable", JobExpressions.claimable(NOW));
    all.put("leasedTo", JobExpressions.leasedTo(MINE));
    all.put("ownedBy", JobExpressions.ownedBy(MINE));
    all.put("neverChecked", JobExpressions.neverChecked());
    all.put("checkDueBy", JobExpressions.checkDueBy(NOW));
    return all;
  }

  /** One item of each kind that matters to some condition; null is no item. */
  private static Map<String, Map<String, AttributeValue>> items() {
    Map<String, Map<String, AttributeValue>> all = new LinkedHashMap<>();
    all.put("no item", null);
    for (JobStatus status : JobStatus.values()) {
      all.put(status.value(), item(status));
    }
    Map<String, AttributeValue> delivered = item(JobStatus.EXPIRED);
    delivered.put(JobTable.TERMINAL_DELIVERY, AttributeValue.fromS("job-1-expired"));
    all.put("expired with a delivery", delivered);
    for (JobStatus status : List.of(JobStatus.COMPLETED, JobStatus.DOWNLOAD_FAILED)) {
      all.put(status.value() + ", my lease", leased(status, MINE));
      all.put(
          status.value() + ", a live lease of another",
          leased(status, DownloadLease.claimed(JOB, NOW, NOW.plusSeconds(60))));
      all.put(
          status.value() + ", a lease run out",
          leased(status, DownloadLease.claimed(JOB, NOW.minusSeconds(120), NOW.minusSeconds(1))));
      all.put(
          status.value() + ", a lease ending now",
          leased(status, DownloadLease.claimed(JOB, NOW.minusSeconds(120), NOW)));
    }
    all.put("stored, my lease", leased(JobStatus.STORED, MINE));
    Map<String, AttributeValue> due = item(JobStatus.PENDING);
    due.putAll(JobItems.reconcileNote(NOW.minusSeconds(1), "still running"));
    all.put("pending, check due", due);
    Map<String, AttributeValue> dueNow = item(JobStatus.PENDING);
    dueNow.putAll(JobItems.reconcileNote(NOW, "still running"));
    all.put("pending, check due now", dueNow);
    Map<String, AttributeValue> later = item(JobStatus.PENDING);
    later.putAll(JobItems.reconcileNote(NOW.plusSeconds(1), "still running"));
    all.put("pending, check later", later);
    Map<String, AttributeValue> noStatus = new HashMap<>(JobItems.key(JOB));
    all.put("an item without a status", noStatus);
    return all;
  }

  private static Map<String, AttributeValue> item(JobStatus status) {
    Map<String, AttributeValue> item = new HashMap<>(JobItems.key(JOB));
    item.putAll(JobItems.status(status));
    return item;
  }

  private static Map<String, AttributeValue> leased(JobStatus status, DownloadLease lease) {
    Map<String, AttributeValue> item = item(status);
    item.putAll(JobItems.lease(lease));
    return item;
  }

  @Test
  void everyConditionTestsAnItemAsDynamoDbDoes() {
    List<String> disagreements = new ArrayList<>();
    int checked = 0;
    for (Map.Entry<String, Map<String, AttributeValue>> item : items().entrySet()) {
      for (Map.Entry<String, Condition> condition : conditions().entrySet()) {
        boolean table = writesOnTheTable(item.getValue(), condition.getValue());
        boolean memory = condition.getValue().test(item.getValue());
        checked++;
        if (table != memory) {
          disagreements.add(
              condition.getKey()
                  + " on "
                  + item.getKey()
                  + ": DynamoDB "
                  + table
                  + ", in memory "
                  + memory);
        }
      }
    }
    assertEquals(List.of(), disagreements);
    assertTrue(checked > 200, "checked " + checked);
  }

  @Test
  void everyConditionIsWrittenWithItsOwnPlaceholders() {
    Expression claimable = JobExpressions.claimable(NOW).expression();

    assertEquals(
        "(#c0 IN (:c0, :c1)) AND ((attribute_not_exists(#c1)) OR (#c2 <= :c2))", claimable.text());
    assertEquals(JobTable.STATUS, claimable.names().get("#c0"));
    assertEquals(JobTable.DOWNLOAD_LEASE_OWNER, claimable.names().get("#c1"));
  }

  /** A conditional put of the item over what the table holds: true when DynamoDB allows it. */
  private static boolean writesOnTheTable(Map<String, AttributeValue> item, Condition condition) {
    Map<String, AttributeValue> key = JobItems.key(JOB);
    dynamoDb.deleteItem(b -> b.tableName(table).key(key));
    if (item != null) {
      dynamoDb.putItem(b -> b.tableName(table).item(item));
    }
    Expression expression = condition.expression();
    Map<String, AttributeValue> probe = new HashMap<>(key);
    probe.put("probe", AttributeValue.fromS("written"));
    try {
      dynamoDb.putItem(
          PutItemRequest.builder()
              .tableName(table)
              .item(probe)
              .conditionExpression(expression.text())
              .expressionAttributeNames(expression.names())
              .expressionAttributeValues(expression.values().isEmpty() ? null : expression.values())
              .build());
      return true;
    } catch (ConditionalCheckFailedException refused) {
      return false;
    }
  }
}
