package dev.videohook.lifecycle;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videohook.event.EventType;
import dev.videohook.job.JobStatus;
import dev.videohook.testing.ScriptedProvider.SourceFault;
import dev.videohook.testing.ScriptedProvider.StatusAnswer;
import dev.videohook.webhook.WebhookOutcome;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shortest action sequences {@link JobLifecyclePropertyTest} found that broke an invariant,
 * each replayed as a plain test on the same world (real actors, emulators, scripted provider,
 * controlled clock), so that each stays fixed.
 */
class JobLifecycleRegressionTest {
  private final LifecycleWorld world = new LifecycleWorld();

  @AfterEach
  void close() {
    world.close();
  }

  private void step() {
    world.check();
  }

  @Test
  void happyPath_shouldStoreTheVideo_whenTheWebhookArrives() {
    world.submit(2, "video/mp4", "urls");
    world.finish("job-0", EventType.COMPLETED);
    assertEquals(WebhookOutcome.RECORDED, world.deliver("job-0", EventType.COMPLETED));
    step();
    world.processStream();
    step();

    assertEquals(JobStatus.STORED, world.jobs.get("job-0").status);
    world.quietPeriod(false);
    world.checkSettled();
  }

  @Test
  void unauthorizedStatusForever_shouldStillExpireTheJob() {
    world.submit(1, "video/mp4", "urls");
    world.answerStatus("job-0", StatusAnswer.UNAUTHORIZED);
    step();

    world.quietPeriod(false);

    assertDoesNotThrow(world::checkSettled);
  }

  @Test
  void answerAboutAnotherIdForever_shouldStillExpireTheJob() {
    world.submit(1, "video/mp4", "urls");
    world.answerStatus("job-0", StatusAnswer.OTHER_ID);

    world.quietPeriod(false);

    assertDoesNotThrow(world::checkSettled);
  }

  @Test
  void invalidStatusForever_shouldStillExpireTheJob() {
    world.submit(1, "video/mp4", "urls");
    world.finish("job-0", EventType.COMPLETED);
    world.answerStatus("job-0", StatusAnswer.INVALID);

    world.quietPeriod(false);

    assertDoesNotThrow(world::checkSettled);
  }

  @Test
  void keyRotatedUnderAWarmReconciler_shouldStillRecoverTheLostWebhook() {
    world.submit(1, "video/mp4", "urls");
    world.clockJump(Duration.ofMinutes(15));
    world.reconcile(); // the reconciler's client for the tenant is built, with the first key
    step();
    world.rotateApiKey();
    world.finish("job-0", EventType.COMPLETED); // its webhook is lost

    world.quietPeriod(true);

    assertDoesNotThrow(world::checkSettled);
  }

  @Test
  void completedAfterTheReconcilersExpiry_shouldReplaceTheExpiredAndStore() {
    world.submit(1, "video/mp4", "urls");
    world.answerStatus("job-0", StatusAnswer.NOT_FOUND);
    world.clockJump(Duration.ofHours(25));
    world.reconcile();
    step();
    assertEquals(JobStatus.EXPIRED, world.jobs.get("job-0").status);
    world.finish("job-0", EventType.COMPLETED);

    assertDoesNotThrow(() -> world.deliver("job-0", EventType.COMPLETED));
  }

  @Test
  void negativeContentLength_shouldEndDownloadFailedWithAClearReason() {
    world.submit(1, "video/mp4", "urls");
    world.sourceFault("job-0", SourceFault.NEGATIVE_LENGTH, Integer.MAX_VALUE);
    world.finish("job-0", EventType.COMPLETED);
    world.deliver("job-0", EventType.COMPLETED);

    world.quietPeriod(true);

    assertDoesNotThrow(world::checkSettled);
  }

  /** The inverted check of the first model failed this correct sequence. */
  @Test
  void providersExpiredAfterTheReconcilersExpiry_shouldReplaceIt() {
    world.submit(1, "video/mp4", "urls");
    world.clockJump(Duration.ofHours(25));
    world.reconcile();
    step();
    assertEquals(JobStatus.EXPIRED, world.jobs.get("job-0").status);

    assertEquals(WebhookOutcome.RECORDED, world.deliver("job-0", EventType.EXPIRED));
    step();

    world.quietPeriod(false);
    assertDoesNotThrow(world::checkSettled);
  }
}
