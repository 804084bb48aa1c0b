package dev.videohook.provider;

import dev.videohook.net.HttpStatus;

/**
 * The provider's API refused or failed a call. The message carries the provider's own error text
 * and never the API key.
 */
public final class ProviderApiException extends Exception {
  private final int statusCode;

  public ProviderApiException(int statusCode, String message) {
    super(message);
    this.statusCode = statusCode;
  }

  /** Worth another try later ({@link HttpStatus#isRetryable}): unreachable, 429 or 5xx. */
  public boolean isRetryable() {
    return HttpStatus.isRetryable(statusCode);
  }

  /** The HTTP status, or 0 when the API could not be reached. */
  public int statusCode() {
    return statusCode;
  }
}
