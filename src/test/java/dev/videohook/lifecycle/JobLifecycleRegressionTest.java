package dev.videohook.lifecycle;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videohook.event.EventType;
import dev.videohook.job.JobStatus;
import dev.videohook.testing.ScriptedProvider.SourceFault;
import dev.videohook.testing.ScriptedProvider.StatusAnswer;
import dev.videohook.testing.ScriptedProvider.VideoSize;
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

  /**
   * Issue 26, hole 1: a status answer whose body trickles holds the reconciler's run past its
   * budget (the client's timeout covers the headers only). Fails until every provider call has one
   * total deadline (branch {@code deadlines}). The world's run has a few real seconds, which the
   * stalled call may spend whole: the run ends on time, the stalled job is deferred, and the next
   * run reaches the other job.
   */
  @Test
  void stalledStatusAnswer_shouldNotHoldTheReconcilerRunPastItsBudget() {
    world.submit(1, "video/mp4", "urls");
    world.submit(1, "video/mp4", "urls");
    world.answerStatus("job-0", StatusAnswer.TRICKLE);
    world.finish("job-1", EventType.FAILED);
    world.clockJump(Duration.ofMinutes(15));

    assertDoesNotThrow(world::reconcile);
    step();
    assertDoesNotThrow(world::reconcile);
    step();
    assertEquals(JobStatus.FAILED, world.jobs.get("job-1").status);
  }

  /**
   * Found by the deep run (seed 8050761578470, shrunk to 12 actions): two pending jobs whose status
   * answers trickle, checked before a third. Each stalled call was given the whole run's time, and
   * the back-off after a timeout slept on, so each run spent itself on one stalled job and the
   * third job was never looked at: it stayed {@code pending} past every deadline.
   */
  @Test
  void twoStalledStatusAnswers_shouldNotKeepTheReconcilerFromAThirdJob() {
    world.submit(1, "video/mp4", "urls");
    world.submit(1, "video/mp4", "urls");
    world.submit(1, "video/mp4", "urls");
    world.answerStatus("job-0", StatusAnswer.TRICKLE);
    world.answerStatus("job-1", StatusAnswer.TRICKLE);
    step();

    world.quietPeriod(false);

    assertDoesNotThrow(world::checkSettled);
  }

  /**
   * Issue 26, hole 2: a job without unsigned URLs asks the provider how many outputs it has; a
   * trickling answer holds the download past the invocation's deadline. Fails until the
   * downloader's status call is under the deadline (branch {@code deadlines}).
   */
  @Test
  void stalledOutputCount_shouldNotHoldTheDownloadPastItsDeadline() {
    world.submit(1, "video/mp4", "content");
    world.finish("job-0", EventType.COMPLETED);
    world.deliver("job-0", EventType.COMPLETED);
    world.answerStatus("job-0", StatusAnswer.TRICKLE);

    assertDoesNotThrow(() -> world.processStream());
    step();
  }

  /**
   * Issue 26, hole 3: {@code videohook replay} of a job the stream is downloading starts a second
   * download; with a provider that serves other bytes per request, the object in S3 may no longer
   * be what the job records. Fails (when the two downloads overlap) until one download per job is
   * enforced (branches {@code lease} and {@code s3once}).
   */
  @Test
  void replayDuringTheStreamsDownload_shouldStoreWhatTheJobRecords() {
    world.submit(1, "video/mp4", "urls", VideoSize.LARGE, true);
    world.finish("job-0", EventType.COMPLETED);
    world.deliver("job-0", EventType.COMPLETED);

    world.processStreamDuringReplay("job-0");

    assertDoesNotThrow(world::check);
    world.quietPeriod(false);
    assertDoesNotThrow(world::checkSettled);
  }

  @Test
  void largeVideo_shouldBeStoredInPartsAndReadBackWhole() {
    world.submit(2, "video/webm", "urls", VideoSize.LARGE, false);
    world.finish("job-0", EventType.COMPLETED);
    world.deliver("job-0", EventType.COMPLETED);
    world.processStream();
    step();

    assertEquals(JobStatus.STORED, world.jobs.get("job-0").status);
  }

  @Test
  void s3CutMidUpload_shouldLeaveNothingHalfWrittenAndStoreOnRetry() {
    world.submit(1, "video/mp4", "urls", VideoSize.LARGE, false);
    world.finish("job-0", EventType.COMPLETED);
    world.deliver("job-0", EventType.COMPLETED);

    world.processStreamWhileS3Fails(20);
    step();

    world.quietPeriod(false);
    assertDoesNotThrow(world::checkSettled);
  }

  @Test
  void sameDeliveryFromThreeThreadsAtOnce_shouldBeRecordedOnce() {
    world.submit(1, "video/mp4", "urls");
    world.finish("job-0", EventType.CANCELLED);

    var outcomes = world.deliverAtOnce("job-0", EventType.CANCELLED, 3);
    step();

    assertEquals(1, outcomes.stream().filter(o -> o == WebhookOutcome.RECORDED).count());
    assertEquals(JobStatus.CANCELLED, world.jobs.get("job-0").status);
  }

  @Test
  void webhookDuringAReconcilerRun_shouldLeaveOneDecision() {
    world.submit(1, "video/mp4", "urls");
    world.finish("job-0", EventType.COMPLETED);
    world.clockJump(Duration.ofMinutes(15));

    world.deliverDuringReconcile("job-0", EventType.COMPLETED);
    step();

    world.quietPeriod(false);
    assertDoesNotThrow(world::checkSettled);
  }

  @Test
  void redriveCommand_shouldStoreADownloadFailedJob() {
    world.submit(1, "video/mp4", "urls");
    world.sourceFault("job-0", SourceFault.SERVER_ERROR, 9);
    world.finish("job-0", EventType.COMPLETED);
    world.deliver("job-0", EventType.COMPLETED);
    for (int i = 0; i <= LifecycleWorld.STREAM_MAX_RETRIES; i++) {
      world.processStream();
    }
    step();
    assertEquals(JobStatus.DOWNLOAD_FAILED, world.jobs.get("job-0").status);

    assertEquals(0, world.redrive().exitCode());
    step();

    assertEquals(JobStatus.STORED, world.jobs.get("job-0").status);
  }
}
