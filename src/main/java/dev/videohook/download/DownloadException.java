package dev.videohook.download;

import dev.videohook.retry.Deadline;
import dev.videohook.retry.Transient;

/**
 * A download that did not succeed. Transient failures (timeouts, dropped or short bodies, 429, 5xx)
 * are retried with backoff inside the invocation; the others fail at once. The message is written
 * by this code, names the URL without its query and never holds a secret; there is never a cause (a
 * client's exception message could quote a header value).
 */
public final class DownloadException extends RuntimeException implements Transient {
  private static final long MIB = 1024 * 1024;

  private final boolean transientFailure;
  private final boolean refused;
  private final boolean deadline;

  private DownloadException(
      String message, boolean transientFailure, boolean refused, boolean deadline) {
    super(message);
    this.transientFailure = transientFailure;
    this.refused = refused;
    this.deadline = deadline;
  }

  public static DownloadException permanent(String message) {
    return new DownloadException(message, false, false, false);
  }

  /**
   * A source the downloader must never fetch (a scheme, host or address the rules refuse): the job
   * is marked {@code download_failed} at once.
   */
  public static DownloadException refused(String message) {
    return new DownloadException(message, false, true, false);
  }

  public static DownloadException retryable(String message) {
    return new DownloadException(message, true, false, false);
  }

  /**
   * The invocation's {@link Deadline} has passed: not retried inside the invocation (there is no
   * time left); the stream's retry, a new invocation, tries again.
   */
  public static DownloadException deadline(String message) {
    return new DownloadException(message, false, false, true);
  }

  /**
   * Reports {@code bytes} to the deadline's progress listener, then fails once it has passed.
   *
   * @param bytes what the download in progress has read so far, for the reason
   * @throws DownloadException (a {@link #isDeadline deadline}) once passed
   */
  static void checkDeadline(Deadline deadline, long bytes) {
    deadline.report(bytes);
    if (deadline.passed()) {
      throw deadline("deadline: the invocation would time out after " + bytes / MIB + " MiB");
    }
  }

  /** The exception's kind and its causes' kinds, never their messages. */
  static String kind(Throwable e) {
    StringBuilder text = new StringBuilder(e.getClass().getSimpleName());
    for (Throwable cause = e.getCause();
        cause != null && cause != cause.getCause();
        cause = cause.getCause()) {
      text.append(" <- ").append(cause.getClass().getSimpleName());
    }
    return text.toString();
  }

  @Override
  public boolean isTransient() {
    return transientFailure;
  }

  public boolean isRefused() {
    return refused;
  }

  public boolean isDeadline() {
    return deadline;
  }
}
