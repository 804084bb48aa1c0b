package dev.videohook.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test events in the provider's envelope, for {@code videohook send-test} and the local stack. */
public final class SampleEvents {
  private SampleEvents() {}

  /**
   * The test job's id ({@code videohook send-test}'s default {@code data.id}): the local stack's
   * simulated providers hold a finished job of this id, so a test event's video can be fetched.
   */
  public static final String TEST_JOB_ID = "job_test";

  /**
   * A terminal event for a test job, ready to be written as JSON.
   *
   * @param unsignedUrls {@code data.unsigned_urls} of a completed event (ignored for others)
   */
  public static Map<String, Object> terminal(
      EventType type, String jobId, List<String> unsignedUrls) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", jobId);
    data.put("status", type.status());
    data.put("generation_id", "gen-" + jobId);
    data.put("model", "google/veo-3.1-lite");
    if (type == EventType.COMPLETED) {
      data.put("unsigned_urls", unsignedUrls);
    }
    data.put("usage", Map.of("cost", type == EventType.COMPLETED ? 0.4 : 0, "is_byok", false));
    if (type == EventType.FAILED) {
      data.put("error", "test failure");
    }
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("type", type.wireName());
    event.put("created_at", Instant.now().toString());
    event.put("data", data);
    return event;
  }
}
