package dev.videohook.cli;

import dev.videohook.job.Job;
import dev.videohook.job.StoredObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** Presigned GET URLs for a stored job's objects: signed locally, nothing is called. */
public final class ObjectUrls {
  /** The shortest a URL can be signed for: SigV4 counts whole seconds. */
  public static final Duration MIN_EXPIRY = Duration.ofSeconds(1);

  /** S3's limit for a URL signed with SigV4. */
  public static final Duration MAX_EXPIRY = Duration.ofDays(7);

  private ObjectUrls() {}

  /** One URL per stored object, in output order; none for a job not stored. */
  public static List<URI> presign(S3Presigner presigner, Job job, Duration expiry) {
    if (expiry.compareTo(MIN_EXPIRY) < 0 || expiry.compareTo(MAX_EXPIRY) > 0) {
      throw new IllegalArgumentException("expiry must be between 1 second and 7 days");
    }
    String bucket = job.stored().bucket();
    if (bucket == null) {
      return List.of();
    }
    return job.stored().objects().stream()
        .map(StoredObject::key)
        .map(
            key -> {
              try {
                return presigner
                    .presignGetObject(
                        b ->
                            b.signatureDuration(expiry)
                                .getObjectRequest(g -> g.bucket(bucket).key(key)))
                    .url()
                    .toURI();
              } catch (URISyntaxException e) {
                throw new IllegalStateException("S3 presigned a URL that is not a URI", e);
              }
            })
        .toList();
  }
}
