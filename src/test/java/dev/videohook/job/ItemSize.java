package dev.videohook.job;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An item's size as DynamoDB counts it for capacity ("Item sizes and formats" in the DynamoDB
 * developer guide): each attribute's name in UTF-8 bytes plus its value; a string its UTF-8 bytes,
 * a number about one byte per two significant digits plus one, a boolean or null one byte, a list
 * or map 3 bytes plus 1 per element plus the elements.
 */
final class ItemSize {
  private ItemSize() {}

  static int of(Map<String, AttributeValue> item) {
    int size = 0;
    for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
      size += utf8(attribute.getKey()) + value(attribute.getValue());
    }
    return size;
  }

  /** Write units of one write of this many bytes: 1 KB each, rounded up. */
  static int writeUnits(int bytes) {
    return Math.max(1, (bytes + 1023) / 1024);
  }

  private static int value(AttributeValue value) {
    if (value.s() != null) {
      return utf8(value.s());
    }
    if (value.n() != null) {
      String digits = new BigDecimal(value.n()).unscaledValue().abs().toString();
      return (digits.length() + 1) / 2 + 1;
    }
    if (value.bool() != null || Boolean.TRUE.equals(value.nul())) {
      return 1;
    }
    if (value.hasL()) {
      return container(value.l());
    }
    if (value.hasM()) {
      int size = 3 + value.m().size();
      for (Map.Entry<String, AttributeValue> entry : value.m().entrySet()) {
        size += utf8(entry.getKey()) + value(entry.getValue());
      }
      return size;
    }
    if (value.hasSs()) {
      return value.ss().stream().mapToInt(ItemSize::utf8).sum();
    }
    throw new IllegalArgumentException("no size rule for " + value);
  }

  private static int container(List<AttributeValue> elements) {
    int size = 3 + elements.size();
    for (AttributeValue element : elements) {
      size += value(element);
    }
    return size;
  }

  private static int utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
