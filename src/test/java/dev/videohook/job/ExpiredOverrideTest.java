package dev.videohook.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.event.EventType;
import dev.videohook.event.SampleEvents;
import dev.videohook.event.VideoEvent;
import dev.videohook.provider.Provider;
import dev.videohook.testing.SharedMoto;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one exception to "a terminal state is final": a provider's own terminal event replaces an
 * {@code expired} that the reconciler wrote itself, once; it never replaces a provider's terminal
 * state, that provider's {@code expired} included.
 */
class ExpiredOverrideTest {
  private static final JobKey KEY = new JobKey("acme", Provider.OPENROUTER, "job_override");

  private JobStore jobs;

  @BeforeEach
  void newTable() {
    jobs = new JobStore(SharedMoto.get().client(), SharedMoto.newJobTable());
    jobs.recordSubmitted(KEY, "m", "a lamp", Instant.now().minusSeconds(90_000));
  }

  private static Delivery delivery(EventType type) throws Exception {
    byte[] body =
        JSON.std.asBytes(
            SampleEvents.terminal(type, KEY.jobId(), List.of("https://cdn.example.com/0.mp4")));
    VideoEvent event = VideoEvent.parse(body).orElseThrow();
    return new Delivery(
        KEY.tenant(),
        KEY.provider(),
        event,
        new String(body, StandardCharsets.UTF_8),
        "idem-" + type.status(),
        Instant.now());
  }

  @Test
  void providersCompletion_replacesTheReconcilersOwnExpiry_once() throws Exception {
    assertTrue(jobs.expirePending(KEY, "expired by the reconciler: not finished", Instant.now()));

    assertEquals(RecordOutcome.RECORDED, jobs.recordDelivery(delivery(EventType.COMPLETED)));

    Job job = jobs.find(KEY).orElseThrow();
    assertEquals(JobStatus.COMPLETED, job.status());
    assertEquals(KEY.jobId() + "-completed", job.terminalDelivery());
    assertNull(job.error(), "the local expiry's reason is gone with it");
    assertEquals(
        RecordOutcome.JOB_ALREADY_TERMINAL,
        jobs.recordDelivery(delivery(EventType.FAILED)),
        "the provider's own terminal state is final");
    assertEquals(JobStatus.COMPLETED, jobs.find(KEY).orElseThrow().status());
  }

  @ParameterizedTest
  @EnumSource(
      value = EventType.class,
      names = {"EXPIRED", "FAILED", "CANCELLED"})
  void providersOwnTerminalState_isNeverReplaced(EventType first) throws Exception {
    assertEquals(RecordOutcome.RECORDED, jobs.recordDelivery(delivery(first)));

    assertEquals(
        RecordOutcome.JOB_ALREADY_TERMINAL, jobs.recordDelivery(delivery(EventType.COMPLETED)));

    assertEquals(JobStatus.of(first), jobs.find(KEY).orElseThrow().status());
  }

  @Test
  void providersExpiry_replacesTheReconcilersToo_andThenIsFinal() throws Exception {
    jobs.expirePending(KEY, "expired by the reconciler: not finished", Instant.now());

    assertEquals(RecordOutcome.RECORDED, jobs.recordDelivery(delivery(EventType.EXPIRED)));
    assertEquals(
        RecordOutcome.JOB_ALREADY_TERMINAL, jobs.recordDelivery(delivery(EventType.COMPLETED)));
    assertEquals(JobStatus.EXPIRED, jobs.find(KEY).orElseThrow().status());
  }
}
