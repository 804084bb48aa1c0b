package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videohook.cli.VideohookCli;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.provider.Provider;
import dev.videohook.simulator.ProviderSimulator;
import dev.videohook.simulator.VideoBytes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The send-test line serve mode prints, run as a user pastes it: its job ends stored. */
class ServeSendTestLineTest {
  private static LocalVideohook stack;

  @BeforeAll
  static void start() throws Exception {
    stack = LocalVideohook.start(0, Map.of());
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void printedSendTestLine_answers204_andItsJobEndsStored_withTheSampleVideo() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        VideohookCli.run(
            LocalMain.sendTestArgs(stack).split(" "),
            Map.of(),
            new PrintWriter(out, true),
            new PrintWriter(err, true));

    assertEquals(0, code, err.toString());
    assertEquals("204", out.toString().strip());
    JobKey key = new JobKey("$default", Provider.OPENROUTER, "job_test");
    Job job = awaitSettled(key);
    assertEquals(JobStatus.STORED, job.status(), String.valueOf(job.download().lastError()));
    assertEquals(
        VideoBytes.sha256("sample", ProviderSimulator.SAMPLE_VIDEO_BYTES),
        job.stored().objects().get(0).sha256());
  }

  /** The job once it leaves completed (stored or download_failed), or as it is after 60 s. */
  private static Job awaitSettled(JobKey key) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    Optional<Job> job = stack.jobStore().find(key);
    while (Instant.now().isBefore(deadline)
        && (job.isEmpty() || job.get().status() == JobStatus.COMPLETED)) {
      Thread.sleep(100);
      job = stack.jobStore().find(key);
    }
    return job.orElseThrow();
  }
}
