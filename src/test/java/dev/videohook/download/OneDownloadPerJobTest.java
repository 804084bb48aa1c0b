package dev.videohook.download;

import static dev.videohook.download.DownloadFixture.change;
import static dev.videohook.download.DownloadFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.videohook.job.DownloadLease;
import dev.videohook.job.Job;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.LeaseClaim;
import dev.videohook.job.StoreOutcome;
import dev.videohook.job.StoredObject;
import dev.videohook.operate.RedriveOutcome;
import dev.videohook.operate.Replay;
import dev.videohook.operate.ReplayReport;
import dev.videohook.simulator.GeneratedBytes;
import dev.videohook.testing.StreamingSource;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One download per job at a time, whoever starts it: a replay while the stream's download is in
 * flight starts none, and what is recorded describes the bytes in S3, even when the video host
 * serves different bytes to each request.
 */
class OneDownloadPerJobTest {
  private static final int KIB = 1024;

  // the stream's clock (the fixture's): every claimant tells the time alike
  private static final Clock CLOCK = Clock.fixed(DownloadFixture.NOW, ZoneOffset.UTC);

  // long enough for a replay to run inside the stream's paused body
  private final DownloadFixture f = new DownloadFixture(b -> b.idleTimeout(Duration.ofSeconds(30)));
  private final JobStore store = new JobStore(f.dynamoDb, f.table);
  private final DownloadService service =
      new DownloadService(f.downloader, store, CLOCK, DownloadFixture.GIVE_UP_AFTER_ATTEMPTS);

  @AfterEach
  void close() {
    f.close();
  }

  private Replay replay() {
    return new Replay(store, () -> service, CLOCK, Duration.ofMinutes(10));
  }

  /**
   * Two different videos at one URL: the first request pauses mid-body and runs {@code between}.
   */
  private List<URI> videoThatChangesPerRequest(String jobId, byte[] first, Runnable between) {
    byte[] second = first.clone();
    for (int i = 0; i < second.length; i += 97) {
      second[i] ^= 0x5a;
    }
    String target = "/v/" + jobId + ".mp4";
    f.source.on(
        target,
        StreamingSource.paused(first, first.length / 2, between),
        StreamingSource.ok(second, "video/mp4"));
    return List.of(f.source.url(target));
  }

  @Test
  void replayDuringTheStreamsDownload_startsNone_andTheRecordedSha256IsTheObjects() {
    byte[] video = GeneratedBytes.bytes(256 * KIB);
    AtomicReference<ReplayReport> duringTheStream = new AtomicReference<>();
    List<URI> urls =
        videoThatChangesPerRequest(
            "job-1",
            video,
            () -> duringTheStream.set(replay().replay(f.job("job-1"), bytes -> {})));
    f.putJob("job-1", "completed", urls);

    StreamsEventResponse response =
        f.handler.handleRequest(event(change("1", "job-1", "pending", "completed", urls)), null);

    assertEquals(List.of(), response.getBatchItemFailures());
    assertEquals(RedriveOutcome.DOWNLOAD_RUNNING, duringTheStream.get().outcome());
    assertEquals(1, f.source.received("/v/job-1.mp4").size(), "one download");
    Job job = f.job("job-1");
    assertEquals(JobStatus.STORED, job.status());
    StoredObject stored = job.stored().objects().get(0);
    assertEquals(GeneratedBytes.sha256(f.object(stored.key())), stored.sha256());
    assertEquals(GeneratedBytes.sha256(video), stored.sha256());
  }

  @Test
  void streamRecordDuringAReplay_isLeftToTheReplay_withoutASecondDownload() {
    byte[] video = GeneratedBytes.bytes(256 * KIB);
    AtomicReference<StreamsEventResponse> duringTheReplay = new AtomicReference<>();
    AtomicReference<List<URI>> urls = new AtomicReference<>();
    urls.set(
        videoThatChangesPerRequest(
            "job-1",
            video,
            () ->
                duringTheReplay.set(
                    f.handler.handleRequest(
                        event(change("1", "job-1", "pending", "completed", urls.get())), null))));
    f.putJob("job-1", "completed", urls.get());

    ReplayReport report = replay().replay(f.job("job-1"), bytes -> {});

    assertEquals(RedriveOutcome.STORED, report.outcome());
    assertEquals(List.of(), duringTheReplay.get().getBatchItemFailures(), "nothing to retry");
    assertEquals(1, f.source.received("/v/job-1.mp4").size(), "one download");
    StoredObject stored = f.job("job-1").stored().objects().get(0);
    assertEquals(GeneratedBytes.sha256(f.object(stored.key())), stored.sha256());
  }

  @Test
  void anExpiredLease_isTakenOver_byTheNextDownload() {
    f.source.on("/v/job-1.mp4", StreamingSource.ok(GeneratedBytes.bytes(4 * KIB), "video/mp4"));
    List<URI> urls = List.of(f.source.url("/v/job-1.mp4"));
    f.putJob("job-1", "completed", urls);
    // a download that claimed the job and died: its lease ended a minute ago
    Instant past = DownloadFixture.NOW.minus(Duration.ofHours(1));
    LeaseClaim dead = store.claimDownload(f.job("job-1").key(), past, past.plusSeconds(3540));
    DownloadLease deadLease = ((LeaseClaim.Granted) dead).lease();

    ReplayReport report = replay().replay(f.job("job-1"), bytes -> {});

    assertEquals(RedriveOutcome.STORED, report.outcome());
    assertEquals(JobStatus.STORED, f.job("job-1").status());
    assertEquals(
        StoreOutcome.ALREADY_STORED,
        store.markStored(deadLease, f.bucket, List.of(), DownloadFixture.NOW),
        "the dead holder's late write changes nothing");
  }
}
