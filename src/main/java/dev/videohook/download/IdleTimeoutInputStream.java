package dev.videohook.download;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An idle timeout for a video's response body, set apart from the HTTP client's read timeout (the
 * downloader's response timeout, which bounds the wait for the headers): a body read that waits
 * longer than the idle timeout closes the underlying stream and fails with {@link
 * SocketTimeoutException}. Time spent outside {@code read} (uploading a part) does not count.
 */
final class IdleTimeoutInputStream extends FilterInputStream {
  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "download-idle-watchdog");
            t.setDaemon(true);
            return t;
          });

  private final long idleNanos;
  private final ScheduledFuture<?> check;
  private volatile long readingSince; // 0 while no read is in progress
  private volatile boolean timedOut;

  IdleTimeoutInputStream(InputStream in, Duration idle) {
    super(in);
    this.idleNanos = idle.toNanos();
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), idleNanos / 4);
    this.check = WATCHDOG.scheduleWithFixedDelay(this::check, period, period, TimeUnit.NANOSECONDS);
  }

  private void check() {
    long since = readingSince;
    if (!timedOut && since != 0 && System.nanoTime() - since > idleNanos) {
      timedOut = true;
      try {
        in.close();
      } catch (IOException ignored) {
        // the reader sees the timeout either way
      }
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    readingSince = Math.max(1, System.nanoTime());
    int n;
    try {
      n = in.read(b, off, len);
    } catch (IOException e) {
      if (timedOut) {
        throw timeout(e);
      }
      throw e;
    } finally {
      readingSince = 0;
    }
    if (timedOut) {
      throw timeout(null);
    }
    return n;
  }

  private SocketTimeoutException timeout(IOException cause) {
    SocketTimeoutException e =
        new SocketTimeoutException(
            "no data received for " + Duration.ofNanos(idleNanos).toMillis() + " ms");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  @Override
  public void close() throws IOException {
    check.cancel(false);
    super.close();
  }
}
