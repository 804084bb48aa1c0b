package dev.videohook.local;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Lambda event filtering as the local stack needs it: one or more patterns, OR'ed as the filters of
 * one event source mapping are; a record passes when any pattern matches its JSON view. A pattern
 * is nested objects whose leaves are arrays of exact values, of {@code {"anything-but": [...]}}
 * (the field must be present and equal none of them) or of {@code {"exists": true|false}} (a leaf
 * value present or absent, a missing parent included: an INSERT has no {@code OldImage}; an object
 * is not a leaf value). Anything richer
 * (prefix, numeric ranges) is refused rather than silently mismatched.
 */
public final class EventFilter {
  private static final String ANYTHING_BUT = "anything-but";
  private static final String EXISTS = "exists";

  private final List<Map<String, Object>> patterns;

  public EventFilter(List<String> patternsJson) {
    if (patternsJson.isEmpty()) {
      throw new IllegalArgumentException("at least one filter pattern");
    }
    List<Map<String, Object>> parsed = new ArrayList<>();
    for (String json : patternsJson) {
      Map<String, Object> pattern;
      try {
        pattern = JSON.std.mapFrom(json);
      } catch (IOException e) {
        throw new IllegalArgumentException("filter pattern is not JSON: " + json, e);
      }
      check(pattern);
      parsed.add(pattern);
    }
    this.patterns = List.copyOf(parsed);
  }

  /** Whether any of the patterns matches this record (its JSON view, as maps and lists). */
  public boolean matches(Map<String, Object> record) {
    return patterns.stream().anyMatch(pattern -> matches(pattern, record));
  }

  @SuppressWarnings("unchecked")
  private static boolean matches(Map<String, Object> pattern, Object value) {
    // an absent object has only absent leaves, which {"exists": false} matches
    Map<?, ?> map = value == null ? Map.of() : value instanceof Map<?, ?> m ? m : null;
    if (map == null) {
      return false;
    }
    for (Map.Entry<String, Object> field : pattern.entrySet()) {
      Object actual = map.get(field.getKey());
      if (field.getValue() instanceof Map<?, ?> nested) {
        if (!matches((Map<String, Object>) nested, actual)) {
          return false;
        }
      } else if (((List<Object>) field.getValue())
          .stream().noneMatch(rule -> allows(rule, actual))) {
        return false;
      }
    }
    return true;
  }

  /**
   * One entry of a leaf array: an exact value, {"anything-but": [values]} or {"exists": boolean};
   * only the last matches an absent leaf.
   */
  private static boolean allows(Object rule, Object actual) {
    if (rule instanceof Map<?, ?> operator && operator.containsKey(EXISTS)) {
      // a leaf is a value, not an object: exists matches leaf nodes only, as in AWS's rules
      boolean leaf = actual != null && !(actual instanceof Map<?, ?>);
      return Boolean.TRUE.equals(operator.get(EXISTS)) == leaf;
    }
    if (actual == null) {
      return false;
    }
    if (rule instanceof Map<?, ?> operator) {
      Object excluded = operator.get(ANYTHING_BUT);
      return excluded instanceof List<?> values
          ? !values.contains(actual)
          : !actual.equals(excluded);
    }
    return rule.equals(actual);
  }

  private static void check(Map<String, Object> pattern) {
    for (Object value : pattern.values()) {
      if (value instanceof Map<?, ?> nested) {
        @SuppressWarnings("unchecked")
        Map<String, Object> inner = (Map<String, Object>) nested;
        check(inner);
      } else if (!(value instanceof List<?> list)
          || !list.stream().allMatch(EventFilter::supported)) {
        throw new IllegalArgumentException(
            "only exact values, anything-but and exists are supported locally: " + value);
      }
    }
  }

  private static boolean supported(Object rule) {
    if (rule instanceof Map<?, ?> operator && operator.containsKey(EXISTS)) {
      return operator.size() == 1 && operator.get(EXISTS) instanceof Boolean;
    }
    if (rule instanceof Map<?, ?> operator) {
      Object excluded = operator.get(ANYTHING_BUT);
      if (operator.size() != 1 || excluded == null) {
        return false;
      }
      return excluded instanceof List<?> values
          ? values.stream().noneMatch(v -> v instanceof Map || v instanceof List)
          : !(excluded instanceof Map);
    }
    return !(rule instanceof List);
  }
}
