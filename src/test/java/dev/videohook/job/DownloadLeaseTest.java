package dev.videohook.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.provider.Provider;
import dev.videohook.testing.SharedMoto;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One download per job at a time, on the real emulator where every condition is evaluated: a claim
 * takes the job's lease unless a live one holds it, an expired lease is taken over, and {@code
 * stored} and {@code download_failed} are written only by the lease's holder, which releases it.
 */
class DownloadLeaseTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final StoredObject VIDEO =
      new StoredObject("acme/openrouter/x/0.mp4", 3, "abc", "video/mp4");

  private String table;
  private JobStore store;
  private JobKey key;

  @BeforeEach
  void setUp() {
    table = SharedMoto.newJobTable();
    store = new JobStore(SharedMoto.get().client(), table);
    key = new JobKey("acme", Provider.OPENROUTER, "job-" + System.nanoTime());
    TestJobs.put(
        SharedMoto.get().client(),
        table,
        TestJobs.job(key, JobStatus.COMPLETED, List.of("https://cdn.example/v.mp4"), T0));
  }

  private LeaseClaim claim(Instant at, long seconds) {
    return store.claimDownload(key, at, at.plusSeconds(seconds));
  }

  private static DownloadLease granted(LeaseClaim claim) {
    return assertInstanceOf(LeaseClaim.Granted.class, claim).lease();
  }

  @Test
  void markStored_isRefused_withoutTheLease() {
    DownloadLease never = new DownloadLease(key, UUID.randomUUID().toString(), T0.plusSeconds(60));

    assertEquals(StoreOutcome.NOT_LEASED, store.markStored(never, "videos", List.of(VIDEO), T0));
    assertEquals(JobStatus.COMPLETED, store.find(key).orElseThrow().status());
  }

  @Test
  void markStored_isRefused_whenAnotherDownloadHoldsTheLease() {
    granted(claim(T0, 60));
    DownloadLease forged = new DownloadLease(key, UUID.randomUUID().toString(), T0.plusSeconds(60));

    assertEquals(StoreOutcome.NOT_LEASED, store.markStored(forged, "videos", List.of(VIDEO), T0));
    assertFalse(store.markDownloadFailed(forged, "refused source", T0));
    store.recordDownloadFailure(forged, "HTTP 503", T0, 1);
    Job job = store.find(key).orElseThrow();
    assertEquals(JobStatus.COMPLETED, job.status());
    assertEquals(0, job.download().failedAttempts(), "nothing noted without the lease");
  }

  @Test
  void claim_isRefused_whileAnotherLeaseIsLive_andSaysUntilWhen() {
    granted(claim(T0, 60));

    LeaseClaim second = claim(T0.plusSeconds(59), 600);

    assertEquals(new LeaseClaim.Held(T0.plusSeconds(60)), second);
  }

  @Test
  void expiredLease_isTakenOver_andItsFormerHoldersWritesAreRefused() {
    DownloadLease first = granted(claim(T0, 60));

    DownloadLease second = granted(claim(T0.plusSeconds(60), 60));

    assertEquals(StoreOutcome.NOT_LEASED, store.markStored(first, "videos", List.of(VIDEO), T0));
    assertEquals(
        StoreOutcome.STORED,
        store.markStored(second, "videos", List.of(VIDEO), T0.plusSeconds(70)));
    assertEquals(JobStatus.STORED, store.find(key).orElseThrow().status());
  }

  @Test
  void holdersWrites_releaseTheLease_soTheNextAttemptCanClaimIt() {
    store.recordDownloadFailure(granted(claim(T0, 60)), "HTTP 503", T0.plusSeconds(1), 3);

    DownloadLease retry = granted(claim(T0.plusSeconds(2), 60));

    assertEquals(
        StoreOutcome.STORED, store.markStored(retry, "videos", List.of(VIDEO), T0.plusSeconds(3)));
    assertEquals(
        new LeaseClaim.NotWaiting(Optional.of(JobStatus.STORED)), claim(T0.plusSeconds(4), 60));
  }

  @Test
  void lastAttemptOfItsHolder_givesUp_andReleasesTheLease() {
    store.recordDownloadFailure(granted(claim(T0, 60)), "HTTP 503", T0.plusSeconds(1), 2);
    store.recordDownloadFailure(granted(claim(T0, 60)), "HTTP 504", T0.plusSeconds(2), 2);

    Job job = store.find(key).orElseThrow();
    assertEquals(JobStatus.DOWNLOAD_FAILED, job.status());
    assertEquals(new Job.DownloadAttempts(2, "HTTP 504"), job.download());
    assertInstanceOf(LeaseClaim.Granted.class, claim(T0.plusSeconds(3), 60), "a redrive may claim");
  }

  @Test
  void claim_changesNeitherStatusNorLastChange_soTheStrandedPassStillFindsTheJob() {
    granted(claim(T0.plusSeconds(3600), 60));

    Job job = store.find(key).orElseThrow();
    assertEquals(JobStatus.COMPLETED, job.status());
    assertEquals(T0, job.times().updatedAt());
    assertEquals(
        List.of(key),
        store.jobsInStatus(JobStatus.COMPLETED, T0.plusSeconds(1), 10, null).jobs().stream()
            .map(Job::key)
            .toList());
  }

  @Test
  void claim_ofAJobNotWaitingForItsVideo_writesNothing() {
    JobKey gone = new JobKey("acme", Provider.OPENROUTER, "never-" + System.nanoTime());

    assertEquals(
        new LeaseClaim.NotWaiting(Optional.empty()),
        store.claimDownload(gone, T0, T0.plusSeconds(60)));
    assertTrue(store.find(gone).isEmpty(), "no item created");
  }
}
