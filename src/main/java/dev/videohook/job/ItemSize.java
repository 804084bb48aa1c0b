package dev.videohook.job;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An item's size as DynamoDB counts it against its 400 KB limit (names and values, UTF-8), so that
 * a write that cannot fit is refused here, before it reaches the table, whatever the store behind
 * the endpoint would do with it.
 */
final class ItemSize {
  /** DynamoDB's limit on one item. */
  static final int MAX_BYTES = 400 * 1024;

  private ItemSize() {}

  static long of(Map<String, AttributeValue> attributes) {
    long bytes = 0;
    for (Map.Entry<String, AttributeValue> attribute : attributes.entrySet()) {
      bytes += utf8(attribute.getKey()) + of(attribute.getValue());
    }
    return bytes;
  }

  private static long of(AttributeValue value) {
    return switch (value.type()) {
      case S -> utf8(value.s());
      // one byte per two significant digits, plus one: DynamoDB's own rule ("Item sizes")
      case N -> number(value.n());
      case B -> value.b().asByteArray().length;
      case BOOL, NUL -> 1;
      case SS -> value.ss().stream().mapToLong(ItemSize::utf8).sum();
      case NS -> value.ns().stream().mapToLong(ItemSize::number).sum();
      case BS -> value.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
      // a list or map costs 3 bytes, and 1 more per element
      case L -> 3 + list(value.l());
      case M -> 3 + value.m().size() + of(value.m());
      case UNKNOWN_TO_SDK_VERSION -> 0;
    };
  }

  private static long list(List<AttributeValue> values) {
    return values.stream().mapToLong(v -> 1 + of(v)).sum();
  }

  private static long number(String n) {
    String digits = new BigDecimal(n).unscaledValue().abs().toString();
    return (digits.length() + 1) / 2 + 1;
  }

  private static long utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
