package dev.videohook.download;

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

  @Override
  public String toString() {
    return tenant + "/" + provider.id() + "/" + jobId;
  }
}
