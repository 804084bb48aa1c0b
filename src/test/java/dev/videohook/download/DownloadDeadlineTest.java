package dev.videohook.download;

import static dev.videohook.download.DownloadFixture.change;
import static dev.videohook.download.DownloadFixture.event;
import static dev.videohook.testing.VideoHost.ok;
import static dev.videohook.testing.VideoHost.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.videohook.config.ConfigurationException;
import dev.videohook.job.Job;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.retry.Deadline;
import dev.videohook.simulator.GeneratedBytes;
import dev.videohook.testing.ControlledClock;
import dev.videohook.testing.StreamingSource;
import dev.videohook.testing.TestLambdaContext;
import dev.videohook.testing.VideoHost;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every attempt ends known: a download that would outlive its invocation stops at the deadline
 * (upload aborted, attempt and reason on the job, the rest of the batch reported), and a job the
 * stream gave up on without a last attempt of ours (the function could not start, or the record
 * aged out) ends {@code download_failed} through a redrive. Time is a test clock, moved by the
 * video server in the middle of a body: no wall-clock waits.
 */
class DownloadDeadlineTest {
  private static final int MIB = 1024 * 1024;
  private static final Duration TIMEOUT = Duration.ofSeconds(900);

  private final ControlledClock clock = new ControlledClock(DownloadFixture.NOW);
  private DownloadFixture f;

  @BeforeEach
  void fixture() {
    f = new DownloadFixture(clock);
  }

  @AfterEach
  void close() {
    f.close();
  }

  /**
   * 12 MiB (two parts), the clock moved past the function's timeout after the first 9 MiB, while
   * the first part is uploading: a mid-body pause, which is StreamingSource's.
   */
  private List<URI> slowVideo(String jobId, int replies) {
    return slowVideo(jobId, replies, TIMEOUT);
  }

  /** As {@link #slowVideo(String, int)}, the clock moved by {@code pause} mid-body. */
  private List<URI> slowVideo(String jobId, int replies, Duration pause) {
    byte[] video = GeneratedBytes.bytes(12 * MIB);
    StreamingSource.Reply[] script = new StreamingSource.Reply[replies];
    for (int i = 0; i < replies; i++) {
      script[i] = StreamingSource.paused(video, 9 * MIB, () -> clock.advance(pause));
    }
    f.source.on("/v/" + jobId + ".mp4", script);
    List<URI> urls = List.of(f.source.url("/v/" + jobId + ".mp4"));
    f.putJob(jobId, "completed", urls);
    return urls;
  }

  private List<URI> quickVideo(String jobId) {
    f.storage.on("/v/" + jobId + ".mp4", ok(GeneratedBytes.bytes(4096), "video/mp4"));
    List<URI> urls = List.of(f.storage.url("/v/" + jobId + ".mp4"));
    f.putJob(jobId, "completed", urls);
    return urls;
  }

  private StreamsEventResponse invoke(List<String> jobIds, List<List<URI>> urls, boolean lambda) {
    DynamodbStreamRecord[] records = new DynamodbStreamRecord[jobIds.size()];
    for (int i = 0; i < records.length; i++) {
      records[i] =
          change(Integer.toString(100 + i), jobIds.get(i), "pending", "completed", urls.get(i));
    }
    return f.handler.handleRequest(
        event(records), lambda ? new TestLambdaContext(clock, TIMEOUT) : null);
  }

  private static List<String> failed(StreamsEventResponse response) {
    return response.getBatchItemFailures().stream()
        .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
        .toList();
  }

  private void assertNothingInS3() {
    assertEquals(List.of(), f.s3.objects(f.bucket), "objects");
    assertEquals(List.of(), f.s3.multipartUploads(f.bucket), "multipart uploads");
  }

  @Test
  void deadlineMidDownload_abortsTheUpload_notesTheReason_andReportsTheRestOfTheBatch() {
    List<URI> slow = slowVideo("job-1", 1);
    List<URI> second = quickVideo("job-2");
    List<URI> third = quickVideo("job-3");

    StreamsEventResponse response =
        invoke(List.of("job-1", "job-2", "job-3"), List.of(slow, second, third), true);

    assertEquals(List.of("100", "101", "102"), failed(response));
    Job job = f.job("job-1");
    assertEquals(JobStatus.COMPLETED, job.status(), "attempts are left");
    assertEquals(1, job.download().failedAttempts());
    assertTrue(
        job.download()
            .lastError()
            .matches("deadline: the invocation would time out after \\d+ MiB"),
        job.download().lastError());
    assertNothingInS3();
    assertEquals(List.of(), f.storage.received("/v/job-2.mp4"), "not started");
    assertEquals(List.of(), f.storage.received("/v/job-3.mp4"), "not started");
    assertEquals(0, f.job("job-2").download().failedAttempts(), "not an attempt");
    assertNull(f.job("job-2").download().lastError());
  }

  @Test
  void lastAttemptStoppedByTheDeadline_marksTheJobDownloadFailed_withTheReason() {
    List<URI> slow = slowVideo("job-1", DownloadFixture.GIVE_UP_AFTER_ATTEMPTS);

    for (int attempt = 1; attempt <= DownloadFixture.GIVE_UP_AFTER_ATTEMPTS; attempt++) {
      assertEquals(List.of("100"), failed(invoke(List.of("job-1"), List.of(slow), true)));
    }

    Job job = f.job("job-1");
    assertEquals(JobStatus.DOWNLOAD_FAILED, job.status());
    assertEquals(DownloadFixture.GIVE_UP_AFTER_ATTEMPTS, job.download().failedAttempts());
    assertTrue(job.download().lastError().startsWith("deadline: "), job.download().lastError());
    assertNothingInS3();
  }

  @Test
  void invocationWithLessThanTheMarginLeft_startsNothing_andReportsEveryRecord() {
    List<URI> first = quickVideo("job-1");
    List<URI> second = quickVideo("job-2");
    TestLambdaContext almostOver =
        new TestLambdaContext(clock, DownloadHandler.DEADLINE_MARGIN.minusSeconds(1));

    StreamsEventResponse response =
        f.handler.handleRequest(
            event(
                change("100", "job-1", "pending", "completed", first),
                change("101", "job-2", "pending", "completed", second)),
            almostOver);

    assertEquals(List.of("100", "101"), failed(response));
    assertEquals(List.of(), f.storage.received("/v/job-1.mp4"));
    assertEquals(0, f.job("job-1").download().failedAttempts(), "nothing was attempted");
    assertNothingInS3();
  }

  /**
   * The local stack gives no context: the download has the time of the lease it holds ({@link
   * DownloadService#UNBOUNDED_LEASE}, less the margin), as long as a Lambda invocation may run, and
   * stops before its lease ends so that no other download can take the job over while it writes.
   */
  @Test
  void withoutAContext_asInTheLocalStack_theDownloadHasItsLeasesTime() {
    List<URI> slow =
        slowVideo(
            "job-1",
            1,
            DownloadService.UNBOUNDED_LEASE.minus(DownloadHandler.DEADLINE_MARGIN).minusSeconds(1));

    StreamsEventResponse response = invoke(List.of("job-1"), List.of(slow), false);

    assertEquals(List.of(), failed(response));
    assertEquals(JobStatus.STORED, f.job("job-1").status());
  }

  @Test
  void aDeadlineAheadLetsTheWholeBatchRun() {
    List<URI> first = quickVideo("job-1");
    List<URI> second = quickVideo("job-2");

    StreamsEventResponse response = invoke(List.of("job-1", "job-2"), List.of(first, second), true);

    assertEquals(List.of(), failed(response));
    assertEquals(JobStatus.STORED, f.job("job-2").status());
  }

  /**
   * A function that cannot start (here: no settings) fails every invocation before our code sees a
   * record; Lambda retries the batch, then sends it to the on-failure destination with the job
   * still {@code completed}, as it does when the record's age runs out. A redrive that fails is
   * counted like any attempt, with its reason, and leaves the job {@code completed}: a stream retry
   * still on its way is not refused, and the reconciler's stranded pass ends it {@code
   * download_failed} if nothing does.
   */
  @Test
  void jobTheStreamGaveUpOnWithoutALastAttempt_failedRedriveIsCounted_andLeftRetryable() {
    assertThrows(ConfigurationException.class, () -> DownloadService.fromEnvironment(Map.of()));
    f.storage.on("/v/job-1.mp4", status(404));
    List<URI> urls = List.of(f.storage.url("/v/job-1.mp4"));
    f.putJob("job-1", "completed", urls);
    DownloadService redrive =
        new DownloadService(
            f.downloader,
            new JobStore(f.dynamoDb, f.table),
            clock,
            DownloadFixture.GIVE_UP_AFTER_ATTEMPTS);

    assertThrows(DownloadException.class, () -> redrive.redrive(CompletedJob.of(f.job("job-1"))));

    Job job = f.job("job-1");
    assertEquals(JobStatus.COMPLETED, job.status());
    assertEquals(1, job.download().failedAttempts());
    assertTrue(job.download().lastError().startsWith("HTTP 404 from "), job.download().lastError());
  }

  /**
   * A job without unsigned URLs: its outputs are counted by the provider's status call, whose
   * answer here sends its headers at once and then one byte every 100 ms (about 30 s in all). The
   * call stops at the invocation's real, short deadline, and the attempt is noted like any other.
   */
  @Test
  void statusCallTrickledAfterItsHeaders_stopsAtTheInvocationsDeadline_andTheAttemptIsNoted() {
    byte[] answer =
        ("{\"id\":\"job-1\",\"status\":\"completed\"," + " ".repeat(300) + "}")
            .getBytes(StandardCharsets.UTF_8);
    f.api.on(
        "/api/v1/videos/job-1",
        VideoHost.trickled(answer, "application/json", Duration.ofMillis(100)));
    f.putJob("job-1", "completed", List.of());
    DownloadService service =
        new DownloadService(
            f.downloader,
            new JobStore(f.dynamoDb, f.table),
            clock,
            DownloadFixture.GIVE_UP_AFTER_ATTEMPTS);
    Deadline deadline =
        Deadline.fromRemaining(Clock.systemUTC(), Duration.ofMillis(1500), Duration.ZERO);

    DownloadException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () ->
                assertThrows(
                    DownloadException.class,
                    () -> service.process(CompletedJob.of(f.job("job-1")), deadline)));

    assertTrue(e.isDeadline(), e.getMessage());
    Job job = f.job("job-1");
    assertEquals(JobStatus.COMPLETED, job.status(), "attempts are left");
    assertEquals(1, job.download().failedAttempts());
    assertTrue(job.download().lastError().startsWith("deadline: "), job.download().lastError());
    assertEquals(List.of(), f.api.received(f.contentTarget("job-1")), "no output fetched");
    assertNothingInS3();
  }

  /**
   * A source that sends its headers and first bytes, then nothing on an open connection, with an
   * idle timeout far longer than the invocation: the fetch is cut off at the invocation's real,
   * short deadline (the call's total timeout covers the body), and the attempt is noted.
   */
  @Test
  void sourceSilentAfterItsFirstBytes_isCutOffAtTheInvocationsDeadline_notItsIdleTimeout() {
    try (DownloadFixture slow = new DownloadFixture(b -> b.idleTimeout(Duration.ofSeconds(60)))) {
      slow.storage.on("/v/job-1.mp4", VideoHost.stall(GeneratedBytes.bytes(4096), 100));
      slow.putJob("job-1", "completed", List.of(slow.storage.url("/v/job-1.mp4")));
      DownloadService service =
          new DownloadService(
              slow.downloader,
              new JobStore(slow.dynamoDb, slow.table),
              clock,
              DownloadFixture.GIVE_UP_AFTER_ATTEMPTS);
      Deadline deadline =
          Deadline.fromRemaining(Clock.systemUTC(), Duration.ofMillis(1500), Duration.ZERO);

      assertTimeoutPreemptively(
          Duration.ofSeconds(20),
          () ->
              assertThrows(
                  DownloadException.class,
                  () -> service.process(CompletedJob.of(slow.job("job-1")), deadline)));

      Job job = slow.job("job-1");
      assertEquals(JobStatus.COMPLETED, job.status(), "attempts are left");
      assertEquals(1, job.download().failedAttempts(), job.download().lastError());
    }
  }
}
