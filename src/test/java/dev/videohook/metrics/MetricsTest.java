package dev.videohook.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.jr.ob.JSON;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private final List<String> lines = new ArrayList<>();
  private final Metrics metrics =
      new Metrics(
          "videohook-staging",
          lines::add,
          Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

  private Map<String, Object> only() throws Exception {
    assertEquals(1, lines.size(), lines.toString());
    return JSON.std.mapFrom(lines.get(0));
  }

  @Test
  void rejected_shouldBeAnEmfDocument_withStackServiceAndReasonDimensions() throws Exception {
    metrics.rejected("acme", "openrouter", "unauthorized");
    Map<String, Object> doc = only();
    assertEquals(
        Map.of(
            "Timestamp",
            1735689600000L,
            "CloudWatchMetrics",
            List.of(
                Map.of(
                    "Namespace",
                    "videohook",
                    "Dimensions",
                    List.of(List.of("Stack", "Service"), List.of("Stack", "Service", "Reason")),
                    "Metrics",
                    List.of(Map.of("Name", "WebhookRejected", "Unit", "Count"))))),
        doc.get("_aws"));
    assertEquals("videohook-staging", doc.get("Stack"));
    assertEquals("webhook", doc.get("Service"));
    assertEquals("unauthorized", doc.get("Reason"));
    assertEquals(1, doc.get("WebhookRejected"));
    assertEquals("acme", doc.get("tenant"));
  }

  @Test
  void downloadStored_shouldCountAndMeasureBytes_inOneDocument() throws Exception {
    metrics.downloadStored("acme", "modelgates", "job-1", 1234);
    Map<String, Object> doc = only();
    assertEquals(1, doc.get("DownloadStored"));
    assertEquals(1234, doc.get("BytesStored"));
    assertEquals("job-1", doc.get("jobId"));
    Object definitions =
        ((Map<?, ?>) ((List<?>) ((Map<?, ?>) doc.get("_aws")).get("CloudWatchMetrics")).get(0))
            .get("Metrics");
    assertEquals(
        List.of(
            Map.of("Name", "DownloadStored", "Unit", "Count"),
            Map.of("Name", "BytesStored", "Unit", "Bytes")),
        definitions);
  }

  @Test
  void reconciled_shouldCountUnderTheReconcileService() throws Exception {
    metrics.reconciled("acme", "openrouter", "job-9");
    Map<String, Object> doc = only();
    assertEquals("reconcile", doc.get("Service"));
    assertEquals(1, doc.get(Metrics.JOBS_RECONCILED));
  }

  @Test
  void stack_shouldBeTheVariable_orLocalWithoutOne() {
    assertEquals("videohook-staging", Metrics.stack("videohook-staging"));
    assertEquals(Metrics.LOCAL_STACK, Metrics.stack(null));
    assertEquals(Metrics.LOCAL_STACK, Metrics.stack(""));
  }
}
