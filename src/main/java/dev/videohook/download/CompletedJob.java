package dev.videohook.download;

import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.provider.Provider;
import java.time.Instant;
import java.util.List;

/**
 * A job that has just become {@code completed}: what the downloader needs to fetch its videos.
 *
 * @param unsignedUrls the provider's download URLs, in order; empty means "use the content
 *     endpoint"
 * @param signedUrls the provider's signed storage URLs, in output order: each one the fallback for
 *     its output when the first source fails; empty when the provider gave none
 * @param outputsExpireAt when the provider stops serving the outputs, or null when it did not say:
 *     no download is attempted past it
 */
public record CompletedJob(
    String tenant,
    Provider provider,
    String jobId,
    List<String> unsignedUrls,
    List<String> signedUrls,
    Instant outputsExpireAt) {
  public CompletedJob {
    unsignedUrls = List.copyOf(unsignedUrls);
    signedUrls = signedUrls == null ? List.of() : List.copyOf(signedUrls);
  }

  /** A job with no signed URLs and no known expiry. */
  public CompletedJob(String tenant, Provider provider, String jobId, List<String> unsignedUrls) {
    this(tenant, provider, jobId, unsignedUrls, List.of(), null);
  }

  /** What the downloader needs of a job as stored. */
  public static CompletedJob of(Job job) {
    return new CompletedJob(
        job.tenant(),
        job.provider(),
        job.jobId(),
        job.unsignedUrls(),
        job.signedUrls(),
        job.outputsExpireAt());
  }

  public JobKey key() {
    return new JobKey(tenant, provider, jobId);
  }

  @Override
  public String toString() {
    return key().toString();
  }
}
