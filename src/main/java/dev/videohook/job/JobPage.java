package dev.videohook.job;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One page of a Query over jobs, and where the next page starts.
 *
 * @param jobs the jobs on this page, in index order
 * @param next where to continue, or empty when this was the last page
 */
public record JobPage(List<Job> jobs, Optional<Cursor> next) {
  public JobPage {
    jobs = List.copyOf(jobs);
  }

  /** Where a Query stopped: opaque outside the job package. */
  public static final class Cursor {
    final Map<String, AttributeValue> lastKey;

    Cursor(Map<String, AttributeValue> lastKey) {
      this.lastKey = Map.copyOf(lastKey);
    }
  }
}
