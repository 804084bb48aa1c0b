package dev.videohook.local;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Lambda event filtering as the local stack needs it: a pattern of nested objects whose leaves are
 * arrays of exact values, matched against a record's JSON view. Anything richer (prefix,
 * anything-but, numeric ranges) is refused rather than silently mismatched.
 */
final class EventFilter {
  private final Map<String, Object> pattern;

  EventFilter(String patternJson) {
    try {
      this.pattern = JSON.std.mapFrom(patternJson);
    } catch (IOException e) {
      throw new IllegalArgumentException("filter pattern is not JSON: " + patternJson, e);
    }
    check(pattern);
  }

  boolean matches(Map<String, Object> record) {
    return matches(pattern, record);
  }

  @SuppressWarnings("unchecked")
  private static boolean matches(Map<String, Object> pattern, Object value) {
    if (!(value instanceof Map<?, ?> map)) {
      return false;
    }
    for (Map.Entry<String, Object> field : pattern.entrySet()) {
      Object actual = map.get(field.getKey());
      if (field.getValue() instanceof Map<?, ?> nested) {
        if (!matches((Map<String, Object>) nested, actual)) {
          return false;
        }
      } else if (actual == null || !((List<Object>) field.getValue()).contains(actual)) {
        return false;
      }
    }
    return true;
  }

  private static void check(Map<String, Object> pattern) {
    for (Object value : pattern.values()) {
      if (value instanceof Map<?, ?> nested) {
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) nested;
        check(inner);
      } else if (!(value instanceof List<?> list)
          || list.stream().anyMatch(v -> v instanceof Map || v instanceof List)) {
        throw new IllegalArgumentException(
            "only exact-value filter patterns are supported locally: " + value);
      }
    }
  }
}
