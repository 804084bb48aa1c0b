package dev.videohook.job;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Turns a stored item into plain Java values (for JSON output), keys sorted, {@code pk} left out.
 */
public final class ItemJson {
  private ItemJson() {}

  public static Map<String, Object> toPlain(Map<String, AttributeValue> item) {
    Map<String, Object> plain = new TreeMap<>();
    item.forEach(
        (name, value) -> {
          if (!name.equals(JobTable.PK)) {
            plain.put(name, plain(value));
          }
        });
    return plain;
  }

  private static Object plain(AttributeValue value) {
    if (value.s() != null) {
      return value.s();
    }
    if (value.n() != null) {
      return new BigDecimal(value.n());
    }
    if (value.bool() != null) {
      return value.bool();
    }
    if (value.hasL()) {
      List<Object> list = new ArrayList<>();
      value.l().forEach(v -> list.add(plain(v)));
      return list;
    }
    if (value.hasM()) {
      Map<String, Object> map = new TreeMap<>();
      value.m().forEach((k, v) -> map.put(k, plain(v)));
      return map;
    }
    if (value.hasSs()) {
      return value.ss();
    }
    if (value.hasNs()) {
      return value.ns().stream().map(BigDecimal::new).toList();
    }
    return null;
  }
}
