package dev.videohook.download;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.TestJobs;
import dev.videohook.provider.Provider;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The stream filter: which records mean "this job has just become completed". */
class StreamRecordsTest {
  /** A job item, or a delivery item (which is no job), or no image at all. */
  private static Optional<Job> image(String itemType, String status) {
    if (status == null || itemType.equals("delivery")) {
      return Optional.empty();
    }
    return Optional.of(
        TestJobs.job(
            new JobKey("acme", Provider.OPENROUTER, "j"),
            JobStatus.fromValue(status).orElseThrow(),
            List.of(),
            null));
  }

  @ParameterizedTest(name = "{0} {1}:{2} -> {3}:{4} = {5}")
  @CsvSource(
      nullValues = "-",
      value = {
        "INSERT, job, -, job, completed, true",
        "MODIFY, job, pending, job, completed, true",
        "MODIFY, job, completed, job, completed, false",
        "MODIFY, job, completed, job, stored, false",
        "MODIFY, job, pending, job, failed, false",
        "INSERT, job, -, job, cancelled, false",
        "INSERT, job, -, job, expired, false",
        "INSERT, delivery, -, delivery, completed, false",
        "REMOVE, job, completed, job, -, false",
        "UNKNOWN_TO_SDK_VERSION, job, completed, job, -, false"
      })
  void isNewlyCompleted(
      String event,
      String oldType,
      String oldStatus,
      String newType,
      String newStatus,
      boolean expected) {
    assertEquals(
        expected,
        StreamRecords.isNewlyCompleted(
            event, image(oldType, oldStatus), image(newType, newStatus)));
  }
}
