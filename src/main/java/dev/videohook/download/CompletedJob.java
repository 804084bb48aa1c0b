package dev.videohook.download;

import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.provider.Provider;
import java.util.List;

/**
 * A job that has just become {@code completed}: what the downloader needs to fetch its videos.
 *
 * @param unsignedUrls the provider's download URLs, in order; empty means "use the content
 *     endpoint"
 */
public record CompletedJob(
    String tenant, Provider provider, String jobId, List<String> unsignedUrls) {
  public CompletedJob {
    unsignedUrls = List.copyOf(unsignedUrls);
  }

  /** What the downloader needs of a job as stored. */
  public static CompletedJob of(Job job) {
    return new CompletedJob(job.tenant(), job.provider(), job.jobId(), job.unsignedUrls());
  }

  public JobKey key() {
    return new JobKey(tenant, provider, jobId);
  }

  @Override
  public String toString() {
    return key().toString();
  }
}
