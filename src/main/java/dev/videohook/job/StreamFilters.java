package dev.videohook.job;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lambda event filter patterns over the jobs table's stream, built from {@link JobStatus} so that
 * template.yaml, the local stack and the tests share one definition (TemplateContractTest holds the
 * template's patterns equal to these; StreamFilterTest runs them on real stream records with AWS's
 * own pattern engine).
 */
final class StreamFilters {
  private StreamFilters() {}

  /**
   * One pattern per status: a job item whose new status is that status and whose old status is
   * absent (inserted so) or any other. A pattern cannot compare the old status with the new one, so
   * each status gets its own; folding the absent case into the old status's array keeps one pattern
   * per status, within Lambda's default quota of five filters per event source mapping. On the
   * record's {@code dynamodb} key alone: the only key a DynamoDB event source mapping filters on.
   */
  static List<String> movesInto(List<JobStatus> statuses) {
    List<String> patterns = new ArrayList<>();
    for (JobStatus status : statuses) {
      Map<String, Object> newImage = new LinkedHashMap<>();
      newImage.put(JobTable.ITEM_TYPE, Map.of("S", List.of(JobTable.ITEM_TYPE_JOB)));
      newImage.put(JobTable.STATUS, Map.of("S", List.of(status.value())));
      Map<String, Object> oldStatus =
          Map.of(
              "S",
              List.of(Map.of("exists", false), Map.of("anything-but", List.of(status.value()))));
      Map<String, Object> images = new LinkedHashMap<>();
      images.put("NewImage", newImage);
      images.put("OldImage", Map.of(JobTable.STATUS, oldStatus));
      patterns.add(json(Map.of("dynamodb", images)));
    }
    return List.copyOf(patterns);
  }

  private static String json(Map<String, Object> pattern) {
    try {
      return JSON.std.asString(pattern);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
