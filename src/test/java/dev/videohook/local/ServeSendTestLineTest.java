package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videohook.cli.CliStack;
import dev.videohook.cli.CliStack.Run;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.provider.Provider;
import dev.videohook.simulator.ProviderSimulator;
import dev.videohook.simulator.VideoBytes;
import dev.videohook.testing.LocalStackExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The send-test line serve mode prints, run as a user pastes it: its job ends stored. */
class ServeSendTestLineTest {
  @RegisterExtension static final LocalStackExtension local = new LocalStackExtension();

  @Test
  void printedSendTestLine_answers204_andItsJobEndsStored_withTheSampleVideo() throws Exception {
    Run run = CliStack.run(Map.of(), LocalMain.sendTestArgs(local.stack()).split(" "));

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("204", run.out().strip());
    JobKey key = new JobKey("$default", Provider.OPENROUTER, "job_test");
    Job job = local.awaitPastCompleted(key);
    assertEquals(JobStatus.STORED, job.status(), String.valueOf(job.download().lastError()));
    assertEquals(
        VideoBytes.sha256("sample", ProviderSimulator.SAMPLE_VIDEO_BYTES),
        job.stored().objects().get(0).sha256());
  }
}
