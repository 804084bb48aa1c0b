package dev.videohook.download;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The stream filter: which records mean "this job has just become completed". */
class JobImageTest {
  private static JobImage image(String itemType, String status) {
    return status == null
        ? null
        : new JobImage(itemType, status, "acme", "openrouter", "j", List.of());
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
        JobImage.isNewlyCompleted(event, image(oldType, oldStatus), image(newType, newStatus)));
  }
}
