package dev.videohook.provider;

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

  /** The HTTP status, or 0 when the API could not be reached. */
  public int statusCode() {
    return statusCode;
  }
}
