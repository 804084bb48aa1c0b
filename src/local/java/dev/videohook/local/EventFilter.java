package dev.videohook.local;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import software.amazon.event.ruler.Machine;

/**
 * Lambda event filtering as the local stack applies it: one or more patterns, OR'ed as the filters
 * of one event source mapping are; a record passes when any pattern matches its JSON view. Matched
 * by AWS's own open-source pattern engine (event-ruler, the matcher behind EventBridge rules, whose
 * syntax Lambda's filters use), not a home-made subset: what passes here passes there.
 */
public final class EventFilter {
  private final Machine machine = Machine.builder().build();

  /**
   * @throws IllegalArgumentException when there is no pattern, or one is not a pattern the engine
   *     accepts
   */
  public EventFilter(List<String> patternsJson) {
    if (patternsJson.isEmpty()) {
      throw new IllegalArgumentException("at least one filter pattern");
    }
    for (int i = 0; i < patternsJson.size(); i++) {
      String json = patternsJson.get(i);
      try {
        machine.addRule("filter-" + i, json);
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("not a valid filter pattern: " + json, e);
      }
    }
  }

  /** Whether any of the patterns matches this record (its JSON view, as maps and lists). */
  public boolean matches(Map<String, Object> record) {
    String json;
    try {
      json = JSON.std.asString(record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return !machine.rulesForJSONEvent(json).isEmpty();
    } catch (Exception e) {
      // the record is JSON we just wrote: the engine refusing it is a bug, not a non-match
      throw new IllegalStateException("the pattern engine could not read a record", e);
    }
  }
}
