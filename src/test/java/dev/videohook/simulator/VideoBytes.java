package dev.videohook.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic "video" content: any size, generated on the fly, the same bytes every time. */
public final class VideoBytes extends InputStream {
  private final long size;
  private final long seed;
  private long position;

  public VideoBytes(String jobId, long size) {
    this.size = size;
    this.seed = jobId.hashCode();
  }

  private int byteAt(long index) {
    long x = (index + seed) * 0x9E3779B97F4A7C15L;
    return (int) ((x ^ (x >>> 29)) & 0xff);
  }

  @Override
  public int read() {
    return position < size ? byteAt(position++) : -1;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) {
    if (position >= size) {
      return -1;
    }
    int count = (int) Math.min(length, size - position);
    for (int i = 0; i < count; i++) {
      buffer[offset + i] = (byte) byteAt(position++);
    }
    return count;
  }

  /** The sha256 of {@code size} bytes for this job, computed independently of any upload. */
  public static String sha256(String jobId, long size) {
    try (InputStream in = new VideoBytes(jobId, size)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
