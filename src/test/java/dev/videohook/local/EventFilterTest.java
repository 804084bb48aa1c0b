package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The local stand-in for Lambda's event filtering, on hand-made records: the behaviours of AWS's
 * pattern engine that the stream filters rely on.
 */
class EventFilterTest {
  private static Map<String, Object> record(String eventName, String oldStatus) {
    Map<String, Object> dynamodb =
        oldStatus == null
            ? Map.of("NewImage", Map.of("status", Map.of("S", "completed")))
            : Map.of(
                "NewImage", Map.of("status", Map.of("S", "completed")),
                "OldImage", Map.of("status", Map.of("S", oldStatus)));
    return Map.of("eventName", eventName, "dynamodb", dynamodb);
  }

  @Test
  void anyPattern_shouldLetARecordThrough() {
    EventFilter filter =
        new EventFilter(
            List.of("{\"eventName\":[\"INSERT\"]}", "{\"eventName\":[\"REMOVE\",\"MODIFY\"]}"));
    assertTrue(filter.matches(record("INSERT", null)));
    assertTrue(filter.matches(record("MODIFY", "pending")));
    assertFalse(
        new EventFilter(List.of("{\"eventName\":[\"INSERT\"]}")).matches(record("MODIFY", "x")));
  }

  @Test
  void anythingBut_shouldNeedTheFieldPresent_andDifferent() {
    EventFilter filter =
        new EventFilter(
            List.of(
                "{\"dynamodb\":{\"OldImage\":{\"status\":{\"S\":[{\"anything-but\":[\"completed\"]}]}}}}"));
    assertTrue(filter.matches(record("MODIFY", "pending")));
    assertFalse(filter.matches(record("MODIFY", "completed")));
    assertFalse(filter.matches(record("INSERT", null)), "no OldImage: nothing to compare");
  }

  @Test
  void existsFalse_shouldMatchAnAbsentLeaf_evenUnderAnAbsentParent() {
    EventFilter filter =
        new EventFilter(
            List.of("{\"dynamodb\":{\"OldImage\":{\"status\":{\"S\":[{\"exists\":false}]}}}}"));
    assertTrue(filter.matches(record("INSERT", null)), "an INSERT has no OldImage");
    assertFalse(filter.matches(record("MODIFY", "pending")));
  }

  @Test
  void absentOrAnythingBut_inOneArray_shouldMatchEither() {
    // the shape of every stream filter: inserted so, or moved from any other status
    EventFilter filter =
        new EventFilter(
            List.of(
                "{\"dynamodb\":{\"OldImage\":{\"status\":{\"S\":"
                    + "[{\"exists\":false},{\"anything-but\":[\"completed\"]}]}}}}"));
    assertTrue(filter.matches(record("INSERT", null)));
    assertTrue(filter.matches(record("MODIFY", "pending")));
    assertFalse(filter.matches(record("MODIFY", "completed")));
  }

  @Test
  void existsTrue_shouldMatchLeafValuesOnly_notObjects() {
    // OldImage.status is an object ({"S": ...}): exists looks at leaf values, so the path needs S
    assertFalse(
        new EventFilter(List.of("{\"dynamodb\":{\"OldImage\":{\"status\":[{\"exists\":true}]}}}"))
            .matches(record("MODIFY", "pending")));
    assertTrue(
        new EventFilter(
                List.of("{\"dynamodb\":{\"OldImage\":{\"status\":{\"S\":[{\"exists\":true}]}}}}"))
            .matches(record("MODIFY", "pending")));
  }

  @Test
  void invalidPatterns_shouldBeRefused_notMismatched() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new EventFilter(List.of("{\"eventName\":[{\"exists\":\"no\"}]}")));
    assertThrows(IllegalArgumentException.class, () -> new EventFilter(List.of("not json")));
    assertThrows(IllegalArgumentException.class, () -> new EventFilter(List.of()));
  }
}
