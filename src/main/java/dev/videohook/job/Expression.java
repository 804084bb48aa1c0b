package dev.videohook.job;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A DynamoDB expression (condition, key condition or projection) with its own name and value
 * placeholders. {@link JobItems} makes every one that names an attribute, so that no attribute name
 * is spelled anywhere else; {@link Update} joins one to an update's placeholders.
 *
 * @param text the expression, written with {@code #name} and {@code :value} placeholders
 * @param names what each {@code #name} stands for
 * @param values what each {@code :value} stands for
 */
record Expression(String text, Map<String, String> names, Map<String, AttributeValue> values) {
  Expression {
    names = Map.copyOf(names);
    values = Map.copyOf(values);
  }

  /** This expression's placeholders with {@code more}'s. */
  static <V> Map<String, V> joined(Map<String, V> these, Map<String, V> more) {
    Map<String, V> all = new HashMap<>(these);
    all.putAll(more);
    return all;
  }
}
