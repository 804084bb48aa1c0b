package dev.videohook.operate;

import dev.videohook.job.Job;
import java.util.Optional;

/**
 * What {@link Replay} did with one job.
 *
 * @param found the job as it was found, before anything was done
 * @param outcome what was done
 * @param after the job as stored once a download ran; empty when none ran
 * @param error why the download failed again ({@link RedriveOutcome#FAILED_AGAIN}); else empty
 */
public record ReplayReport(
    Job found, RedriveOutcome outcome, Optional<Job> after, Optional<String> error) {}
