package dev.videohook.simulator;

import java.io.InputStream;

/**
 * The simulated provider's videos: the tests' deterministic byte sequence, from a different point
 * for each job, so that every job has its own content and its own sha256.
 */
public final class VideoBytes {
  private VideoBytes() {}

  private static long start(String jobId) {
    return (jobId.hashCode() & 0x7fffffffL) * 7919L;
  }

  public static InputStream stream(String jobId, long size) {
    return GeneratedBytes.stream(start(jobId), size);
  }

  /** The sha256 of a job's {@code size} bytes, computed independently of any upload. */
  public static String sha256(String jobId, long size) {
    return GeneratedBytes.sha256(start(jobId), size);
  }
}
