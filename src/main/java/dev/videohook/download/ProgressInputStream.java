package dev.videohook.download;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Counts the bytes a download has read and reports the total every {@link #EVERY} bytes, so that a
 * big video is seen to move (in the logs, and on serve mode's console) long before it is stored.
 */
final class ProgressInputStream extends FilterInputStream {
  static final long EVERY = VideoDownloader.PROGRESS_EVERY_BYTES;

  private final LongConsumer report;
  private long read;
  private long next = EVERY;

  ProgressInputStream(InputStream in, LongConsumer report) {
    super(in);
    this.report = report;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  /** The bytes read so far. */
  long bytesRead() {
    return read;
  }

  private void count(long n) {
    read += n;
    if (read >= next) {
      while (next <= read) {
        next += EVERY;
      }
      report.accept(read);
    }
  }
}
