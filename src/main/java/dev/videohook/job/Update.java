package dev.videohook.job;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * An UpdateItem built from attribute maps ({@link JobItems} makes them), with a placeholder for
 * every name and value, so that no attribute name has to be spelled in an expression; and, when
 * given, the {@link Condition} the update is conditional on.
 */
final class Update {
  private final List<String> sets = new ArrayList<>();
  private final List<String> adds = new ArrayList<>();
  private final List<String> removes = new ArrayList<>();
  private final Map<String, String> names = new HashMap<>();
  private final Map<String, AttributeValue> values = new HashMap<>();
  private Expression condition;
  private boolean returnNew;

  private Update() {}

  /** An update that sets every attribute of {@code attributes}. */
  static Update set(Map<String, AttributeValue> attributes) {
    return new Update().andSet(attributes);
  }

  Update andSet(Map<String, AttributeValue> attributes) {
    attributes.forEach((name, value) -> sets.add(placeholder(name, value, "%1$s = %2$s")));
    return this;
  }

  /** Sets each attribute only where the item has none yet. */
  Update andSetIfNotExists(Map<String, AttributeValue> attributes) {
    attributes.forEach(
        (name, value) -> sets.add(placeholder(name, value, "%1$s = if_not_exists(%1$s, %2$s)")));
    return this;
  }

  /** Adds each number to the attribute (an absent attribute counts as 0). */
  Update andAdd(Map<String, AttributeValue> numbers) {
    numbers.forEach((name, value) -> adds.add(placeholder(name, value, "%1$s %2$s")));
    return this;
  }

  /** Removes each attribute from the item. */
  Update andRemove(String... attributes) {
    for (String name : attributes) {
      String placeholder = "#a" + names.size();
      names.put(placeholder, name);
      removes.add(placeholder);
    }
    return this;
  }

  /** Only when {@code condition} holds. */
  Update when(Condition condition) {
    this.condition = condition.expression();
    return this;
  }

  /** The response carries the item as written (UpdateItem's {@code ALL_NEW}). */
  Update returningNew() {
    this.returnNew = true;
    return this;
  }

  private String placeholder(String name, AttributeValue value, String clause) {
    int i = names.size();
    names.put("#a" + i, name);
    values.put(":a" + i, value);
    return String.format(clause, "#a" + i, ":a" + i);
  }

  String text() {
    String set = sets.isEmpty() ? "" : "SET " + String.join(", ", sets);
    String add = adds.isEmpty() ? "" : "ADD " + String.join(", ", adds);
    String remove = removes.isEmpty() ? "" : "REMOVE " + String.join(", ", removes);
    return String.join(" ", set, add, remove).trim().replaceAll(" +", " ");
  }

  /**
   * The request on {@code key} of {@code table}; a refused condition returns the old item, which
   * tells the caller what stood in the way.
   */
  UpdateItemRequest request(String table, Map<String, AttributeValue> key) {
    Map<String, String> allNames = names;
    Map<String, AttributeValue> allValues = values;
    UpdateItemRequest.Builder request =
        UpdateItemRequest.builder().tableName(table).key(key).updateExpression(text());
    if (condition != null) {
      allNames = Expression.joined(names, condition.names());
      allValues = Expression.joined(values, condition.values());
      request
          .conditionExpression(condition.text())
          .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
    }
    if (returnNew) {
      request.returnValues(ReturnValue.ALL_NEW);
    }
    return request
        .expressionAttributeNames(allNames)
        .expressionAttributeValues(allValues.isEmpty() ? null : allValues)
        .build();
  }
}
