package dev.videohook.download;

import dev.videohook.job.JobStatus;
import dev.videohook.job.JobTable;
import dev.videohook.provider.Provider;
import java.util.List;
import java.util.Optional;

/**
 * The attributes of one item image in a jobs-table stream record that decide whether a download is
 * due. template.yaml declares the same filter as {@code FilterCriteria}; the handler applies it
 * again, so the local stack and a misconfigured mapping behave the same.
 */
public record JobImage(
    String itemType,
    String status,
    String tenant,
    String provider,
    String jobId,
    List<String> unsignedUrls) {

  public JobImage {
    unsignedUrls = unsignedUrls == null ? List.of() : List.copyOf(unsignedUrls);
  }

  /**
   * True when a stream record says a job has just become {@code completed}: an INSERT or MODIFY
   * whose new image is a job item ({@code item_type = job}) with {@code status = completed}, and
   * whose old image (if any) did not already have {@code status = completed}. So the downloader's
   * own updates (a failure note that keeps {@code completed}, or the move to {@code stored}) never
   * trigger another download; nor do delivery items, other statuses or removals.
   */
  public static boolean isNewlyCompleted(String eventName, JobImage oldImage, JobImage newImage) {
    if (!"INSERT".equals(eventName) && !"MODIFY".equals(eventName)) {
      return false;
    }
    if (newImage == null
        || !JobTable.ITEM_TYPE_JOB.equals(newImage.itemType())
        || !JobStatus.COMPLETED.value().equals(newImage.status())) {
      return false;
    }
    return oldImage == null || !JobStatus.COMPLETED.value().equals(oldImage.status());
  }

  /** The job to download, when the image names a known provider, a tenant and an id. */
  public Optional<CompletedJob> toCompletedJob() {
    Optional<Provider> known = provider == null ? Optional.empty() : Provider.fromId(provider);
    if (known.isEmpty() || tenant == null || jobId == null) {
      return Optional.empty();
    }
    return Optional.of(new CompletedJob(tenant, known.get(), jobId, unsignedUrls));
  }
}
