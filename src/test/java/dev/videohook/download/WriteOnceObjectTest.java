package dev.videohook.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.job.Job;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.StoredObject;
import dev.videohook.simulator.GeneratedBytes;
import dev.videohook.testing.StreamingSource;
import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Invariant 9: a stored object is written once and never replaced, and the job's record describes
 * the bytes in S3. The source serves different bytes to each request, as a video host may, so a
 * replaced object or a record of the wrong writer's bytes shows as a sha256 mismatch.
 */
class WriteOnceObjectTest {
  private static final int MIB = 1024 * 1024;
  private static final String JOB = "job-1";
  private static final String KEY = "acme/openrouter/job-1/0.mp4";
  private static final String PATH = "/v/0.mp4";

  /** Long enough for the stale writer's body to wait for the other writer without timing out. */
  private final DownloadFixture f = new DownloadFixture(b -> b.idleTimeout(Duration.ofSeconds(60)));

  private final ExecutorService threads = Executors.newSingleThreadExecutor();

  @AfterEach
  void close() {
    threads.shutdownNow();
    f.close();
  }

  private CompletedJob completedJob() {
    f.putJob(JOB, "completed", List.of(f.source.url(PATH)));
    return CompletedJob.of(f.job(JOB));
  }

  /** The record's one object, and the bytes S3 holds at its key, agree in every field. */
  private void assertRecordDescribesTheBytesInS3(byte[] expected, String contentType) {
    Job job = f.job(JOB);
    assertEquals(JobStatus.STORED, job.status());
    StoredObject recorded = job.stored().objects().get(0);
    byte[] inS3 = f.object(recorded.key());
    assertEquals(GeneratedBytes.sha256(expected), GeneratedBytes.sha256(inS3), "the bytes in S3");
    assertEquals(GeneratedBytes.sha256(inS3), recorded.sha256(), "recorded sha256");
    assertEquals(inS3.length, recorded.size(), "recorded size");
    assertEquals(
        f.s3.client().headObject(b -> b.bucket(f.bucket).key(KEY)).contentType(),
        recorded.contentType(),
        "recorded content type");
    assertEquals(contentType, recorded.contentType());
    assertEquals(List.of(KEY), f.s3.objects(f.bucket).stream().map(o -> o.key()).toList());
    assertEquals(List.of(), f.s3.multipartUploads(f.bucket), "no upload left open");
  }

  /**
   * Two downloads of one job, the first stalled mid-body past its lease, until the second, which
   * took the job over once that lease ended, has stored it: the first, finishing last, is a writer
   * that outlived its lease. Small videos go up in one PutObject, large ones by multipart upload.
   */
  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {2 * MIB, 12 * MIB})
  void staleWriterFinishingAfterTheJobIsStored_cannotReplaceTheObject_andTheRecordStaysTrue(
      int size) throws Exception {
    byte[] stale = video(1, size);
    byte[] stored = video(2, size);
    CountDownLatch otherWriterDone = new CountDownLatch(1);
    f.source.on(
        PATH,
        StreamingSource.paused(stale, MIB, () -> await(otherWriterDone)),
        StreamingSource.ok(stored, "video/mp4"));
    CompletedJob job = completedJob();

    Future<DownloadService.Outcome> staleWriter = threads.submit(() -> f.service.process(job));
    for (int i = 0; i < 500 && f.source.received(PATH).isEmpty(); i++) {
      Thread.sleep(10);
    }
    assertEquals(1, f.source.received(PATH).size(), "the stale writer is fetching");
    assertEquals(DownloadService.Outcome.STORED, afterTheLeaseEnded().process(job));
    otherWriterDone.countDown();

    assertEquals(DownloadService.Outcome.ALREADY_STORED, staleWriter.get(60, TimeUnit.SECONDS));
    assertRecordDescribesTheBytesInS3(stored, "video/mp4");
  }

  /**
   * An earlier writer stored the object but never recorded it (its invocation ended between the
   * two): the next download keeps that object and records it as S3 holds it, its content type
   * included, not the bytes and type it read itself.
   */
  @Test
  void objectLeftByAnEarlierWriter_staysAsItIs_andIsRecordedAsS3HoldsIt() throws Exception {
    byte[] earlier = video(1, 3 * MIB);
    new StreamingUploader(f.s3.client(), f.bucket)
        .upload(KEY, "video/mp4", new ByteArrayInputStream(earlier), -1, Long.MAX_VALUE);
    // a type no video type is allowed for is stored as octet-stream, under the same .mp4 key
    f.source.on(PATH, StreamingSource.ok(video(2, 3 * MIB), "text/plain"));

    assertEquals(DownloadService.Outcome.STORED, f.service.process(completedJob()));

    assertRecordDescribesTheBytesInS3(earlier, "video/mp4");
  }

  /** The same downloader, its clock past the lease a download without a deadline takes. */
  private DownloadService afterTheLeaseEnded() {
    Clock later =
        Clock.fixed(
            DownloadFixture.NOW.plus(DownloadService.UNBOUNDED_LEASE).plusSeconds(1),
            ZoneOffset.UTC);
    return new DownloadService(
        f.downloader,
        new JobStore(f.dynamoDb, f.table),
        later,
        DownloadFixture.GIVE_UP_AFTER_ATTEMPTS);
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(60, TimeUnit.SECONDS), "the other writer never finished");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code size} bytes of their own for each {@code version}: another version's differ. */
  private static byte[] video(int version, int size) {
    byte[] bytes = new byte[size];
    GeneratedBytes.fill(version * 7919L, bytes, size);
    return bytes;
  }
}
