package dev.videohook.download;

/**
 * A download that did not succeed. Transient failures (timeouts, dropped or short bodies, 429, 5xx)
 * are retried with backoff inside the invocation; the others fail at once. The message names the
 * URL without its query and never holds a secret.
 */
public final class DownloadException extends RuntimeException {
  private final boolean transientFailure;

  private DownloadException(String message, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  public static DownloadException permanent(String message) {
    return new DownloadException(message, false, null);
  }

  public static DownloadException retryable(String message, Throwable cause) {
    return new DownloadException(message, true, cause);
  }

  public static DownloadException retryable(String message) {
    return new DownloadException(message, true, null);
  }

  public boolean isTransient() {
    return transientFailure;
  }
}
