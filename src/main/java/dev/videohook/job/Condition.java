package dev.videohook.job;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A condition on a job item, stated once: written as a DynamoDB condition or filter expression
 * ({@link #expression()}) for the table, and tested on an item ({@link #test}) by a store that
 * keeps its items in memory. One statement serves both, so the stores cannot disagree on when a
 * write may happen: a lease clause dropped from {@link JobExpressions#claimable} is dropped from
 * both.
 *
 * <p>{@link #test} follows DynamoDB's rules for what this type can say: a comparison with an absent
 * attribute or a value of another type is false; numbers compare as numbers, strings by their UTF-8
 * bytes; an absent item has no attributes.
 */
sealed interface Condition {

  /** The item has {@code name}. */
  static Condition exists(String name) {
    return new Exists(name, true);
  }

  /** The item has no {@code name} (an absent item has none). */
  static Condition notExists(String name) {
    return new Exists(name, false);
  }

  /** {@code name = value}. */
  static Condition equalTo(String name, AttributeValue value) {
    return new Compare(name, Operator.EQ, value);
  }

  /** {@code name <= value}. */
  static Condition atMost(String name, AttributeValue value) {
    return new Compare(name, Operator.LE, value);
  }

  /** {@code name IN (values)}; with one value, {@code name = value}. */
  static Condition in(String name, List<AttributeValue> values) {
    return values.size() == 1 ? equalTo(name, values.get(0)) : new In(name, List.copyOf(values));
  }

  /** Every one of {@code parts}. */
  static Condition allOf(Condition... parts) {
    return new Junction("AND", List.of(parts));
  }

  /** Any one of {@code parts}. */
  static Condition anyOf(Condition... parts) {
    return new Junction("OR", List.of(parts));
  }

  /**
   * True when a write under this condition would succeed on {@code item} (null: no item with the
   * key).
   */
  boolean test(Map<String, AttributeValue> item);

  /** The DynamoDB expression, with {@code #c…} and {@code :c…} placeholders. */
  default Expression expression() {
    Map<String, String> names = new LinkedHashMap<>();
    Map<String, AttributeValue> values = new LinkedHashMap<>();
    String text = write(names, values);
    return new Expression(text, names, values);
  }

  /** Appends this condition's text, adding its placeholders to {@code names} and {@code values}. */
  String write(Map<String, String> names, Map<String, AttributeValue> values);

  private static String namePlaceholder(Map<String, String> names, String attribute) {
    for (Map.Entry<String, String> entry : names.entrySet()) {
      if (entry.getValue().equals(attribute)) {
        return entry.getKey();
      }
    }
    String placeholder = "#c" + names.size();
    names.put(placeholder, attribute);
    return placeholder;
  }

  private static String valuePlaceholder(Map<String, AttributeValue> values, AttributeValue value) {
    String placeholder = ":c" + values.size();
    values.put(placeholder, value);
    return placeholder;
  }

  private static AttributeValue attribute(Map<String, AttributeValue> item, String name) {
    return item == null ? null : item.get(name);
  }

  record Exists(String name, boolean present) implements Condition {
    @Override
    public boolean test(Map<String, AttributeValue> item) {
      return (attribute(item, name) != null) == present;
    }

    @Override
    public String write(Map<String, String> names, Map<String, AttributeValue> values) {
      return (present ? "attribute_exists(" : "attribute_not_exists(")
          + Condition.namePlaceholder(names, name)
          + ")";
    }
  }

  enum Operator {
    EQ("="),
    LE("<=");

    final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }
  }

  record Compare(String name, Operator operator, AttributeValue value) implements Condition {
    @Override
    public boolean test(Map<String, AttributeValue> item) {
      Integer order = Compare.order(attribute(item, name), value);
      if (order == null) {
        return false;
      }
      return switch (operator) {
        case EQ -> order == 0;
        case LE -> order <= 0;
      };
    }

    /** The order of two scalars of one type, or null when they cannot be compared. */
    static Integer order(AttributeValue left, AttributeValue right) {
      if (left == null || right == null) {
        return null;
      }
      if (left.n() != null && right.n() != null) {
        return new BigDecimal(left.n()).compareTo(new BigDecimal(right.n()));
      }
      if (left.s() != null && right.s() != null) {
        return Arrays.compareUnsigned(
            left.s().getBytes(StandardCharsets.UTF_8), right.s().getBytes(StandardCharsets.UTF_8));
      }
      if (left.bool() != null && right.bool() != null) {
        return left.bool().equals(right.bool()) ? 0 : null;
      }
      return null;
    }

    @Override
    public String write(Map<String, String> names, Map<String, AttributeValue> values) {
      return Condition.namePlaceholder(names, name)
          + " "
          + operator.symbol
          + " "
          + Condition.valuePlaceholder(values, value);
    }
  }

  record In(String name, List<AttributeValue> choices) implements Condition {
    @Override
    public boolean test(Map<String, AttributeValue> item) {
      AttributeValue actual = attribute(item, name);
      for (AttributeValue choice : choices) {
        Integer order = Compare.order(actual, choice);
        if (order != null && order == 0) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String write(Map<String, String> names, Map<String, AttributeValue> values) {
      String attribute = Condition.namePlaceholder(names, name);
      List<String> placeholders =
          choices.stream().map(choice -> Condition.valuePlaceholder(values, choice)).toList();
      return attribute + " IN (" + String.join(", ", placeholders) + ")";
    }
  }

  record Junction(String operator, List<Condition> parts) implements Condition {
    @Override
    public boolean test(Map<String, AttributeValue> item) {
      return operator.equals("AND")
          ? parts.stream().allMatch(part -> part.test(item))
          : parts.stream().anyMatch(part -> part.test(item));
    }

    @Override
    public String write(Map<String, String> names, Map<String, AttributeValue> values) {
      List<String> texts =
          parts.stream().map(part -> "(" + part.write(names, values) + ")").toList();
      return String.join(" " + operator + " ", texts);
    }
  }
}
