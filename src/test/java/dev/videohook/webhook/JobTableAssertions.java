package dev.videohook.webhook;

import dev.videohook.job.JobTable;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reads a jobs table back in full, to compare what a request changed. */
final class JobTableAssertions {
  private JobTableAssertions() {}

  static List<Map<String, AttributeValue>> allItems(DynamoDbClient dynamoDb, String table) {
    return dynamoDb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().stream()
        .sorted(Comparator.comparing(item -> item.get(JobTable.PK).s()))
        .toList();
  }

  static List<Map<String, AttributeValue>> itemsOfType(
      DynamoDbClient dynamoDb, String table, String itemType) {
    return allItems(dynamoDb, table).stream()
        .filter(item -> itemType.equals(item.get(JobTable.ITEM_TYPE).s()))
        .toList();
  }
}
