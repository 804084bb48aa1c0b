package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.TestJobs;
import dev.videohook.notify.EventBridgePublisher;
import dev.videohook.notify.JobEvents;
import dev.videohook.provider.Provider;
import dev.videohook.testing.Await;
import dev.videohook.testing.SharedMoto;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The local stack's events as AWS delivers them: published with the real publisher on moto's
 * EventBridge, through the bus's rule to its SQS queue, read and kept for {@code GET /events}.
 */
class LocalEventBusTest {
  private static final AtomicInteger BUSES = new AtomicInteger();
  private static final Instant AT = Instant.parse("2026-11-30T08:00:00Z");

  @Test
  void eventsPublishedOnTheBus_areReadFromItsQueue_andTheLastOnesKept_oldestFirst() {
    String name = "local-bus-" + BUSES.incrementAndGet();
    int keep = 4;
    int published = keep + 2;
    try (LocalEventBus bus =
        LocalEventBus.create(
            SharedMoto.get().eventsClient(), SharedMoto.get().sqsClient(), name, keep)) {
      EventBridgePublisher publisher =
          new EventBridgePublisher(SharedMoto.get().eventsClient(), bus.busName());
      for (int i = 0; i < published; i++) {
        JobKey key = new JobKey("acme", Provider.OPENROUTER, "job_" + i);
        publisher.publish(
            JobEvents.of(TestJobs.job(key, JobStatus.FAILED, List.of(), AT.plusSeconds(i))));
      }

      Await.until(
          () -> jobId(last(bus.events())).equals("job_" + (published - 1)),
          "the last event read from " + bus.queueUrl());

      List<Map<String, Object>> kept = bus.events();
      assertEquals(keep, kept.size());
      assertEquals(JobEvents.SOURCE, kept.get(0).get("source"));
      assertEquals(JobEvents.FAILED, kept.get(0).get("detail-type"));
      assertEquals(
          List.of("job_2", "job_3", "job_4", "job_5"),
          kept.stream().map(LocalEventBusTest::jobId).toList());
    }
  }

  private static Map<String, Object> last(List<Map<String, Object>> events) {
    return events.isEmpty()
        ? Map.of("detail", Map.of("job_id", ""))
        : events.get(events.size() - 1);
  }

  private static String jobId(Map<String, Object> event) {
    return (String) ((Map<?, ?>) event.get("detail")).get("job_id");
  }
}
