package dev.videohook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The side-by-side table of {@code status}: our column stays under its heading. */
class StatusTableTest {
  private static final int OURS = 19 + 1 + StatusCommand.PROVIDER_WIDTH + 1;

  @Test
  void aLongProviderError_wrapsInItsColumn_andOursStaysAligned() {
    String error =
        "The content policy refused this prompt because it names a public figure; rephrase it"
            + " and submit again";

    List<String> lines = StatusCommand.rows("error", error, "download_failed: HTTP 404");

    assertTrue(lines.size() > 1, lines::toString);
    assertEquals(OURS, lines.get(0).indexOf("download_failed"), lines.get(0));
    for (String continued : lines.subList(1, lines.size())) {
      assertTrue(continued.length() < OURS, "within the provider's column: " + continued);
    }
    String providerColumn =
        String.join(
            " ",
            lines.stream().map(l -> l.substring(20, Math.min(l.length(), OURS)).strip()).toList());
    assertEquals(error, providerColumn);
  }

  @Test
  void aShortValue_isOneLine() {
    assertEquals(
        List.of(String.format("%-19s %-32s %s", "status", "completed", "stored")),
        StatusCommand.rows("status", "completed", "stored"));
  }
}
