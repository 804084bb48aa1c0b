package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.job.JobStatus;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The jobs page's status vocabulary comes from {@link JobStatus}: the page spells no status, the
 * server fills in one {@code .status-<value>} rule per constant, and each status says where its
 * reason is.
 */
class JobsPageTest {
  @Test
  void pageSource_spellsNoStatus() throws Exception {
    String source;
    try (InputStream page = LocalApiServer.class.getResourceAsStream("jobs.html")) {
      source = new String(page.readAllBytes(), StandardCharsets.UTF_8);
    }

    for (JobStatus status : JobStatus.values()) {
      assertFalse(source.contains("status-" + status.value()), status + " spelled in jobs.html");
      assertFalse(source.contains("\"" + status.value() + "\""), status + " spelled in jobs.html");
    }
  }

  @Test
  void servedPage_stylesEveryStatus_once() throws Exception {
    String page = new String(LocalApiServer.jobsPage(), StandardCharsets.UTF_8);

    assertFalse(page.contains(LocalApiServer.STATUS_STYLES_MARKER), "marker replaced");
    for (JobStatus status : JobStatus.values()) {
      String rule = ".status-" + status.value() + " { background: #";
      assertEquals(page.indexOf(rule), page.lastIndexOf(rule), status + ": one rule");
      assertTrue(page.contains(rule), status + " has no rule in: " + page);
    }
  }

  @ParameterizedTest
  @EnumSource(JobStatus.class)
  void eachStatus_showsTheReasonItsRecordKeeps(JobStatus status) {
    String field = LocalApiServer.reasonField(status);
    Map<String, Object> plain =
        Map.of(
            "status", status.value(),
            "error", "the provider's error",
            "last_download_error", "the last download's error",
            "reconcile_last_outcome", "the reconciler's finding");

    assertEquals(field == null ? null : plain.get(field), LocalApiServer.reason(plain));
  }

  @Test
  void aStatusNoConstantNames_hasNoReason() {
    assertNull(LocalApiServer.reason(Map.of("status", "exploded", "error", "boom")));
  }
}
