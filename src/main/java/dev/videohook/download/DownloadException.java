package dev.videohook.download;

/**
 * A download that did not succeed. Transient failures (timeouts, dropped or short bodies, 429, 5xx)
 * are retried with backoff inside the invocation; the others fail at once. The message is written
 * by this code, names the URL without its query and never holds a secret; there is never a cause (a
 * client's exception message could quote a header value).
 */
public final class DownloadException extends RuntimeException {
  private final boolean transientFailure;
  private final boolean refused;

  private DownloadException(
      String message, boolean transientFailure, boolean refused, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
    this.refused = refused;
  }

  public static DownloadException permanent(String message) {
    return new DownloadException(message, false, false, null);
  }

  /**
   * A source the downloader must never fetch (a scheme, host or address the rules refuse): the job
   * is marked {@code download_failed} at once.
   */
  public static DownloadException refused(String message) {
    return new DownloadException(message, false, true, null);
  }

  public static DownloadException retryable(String message) {
    return new DownloadException(message, true, false, null);
  }

  public boolean isTransient() {
    return transientFailure;
  }

  public boolean isRefused() {
    return refused;
  }
}
