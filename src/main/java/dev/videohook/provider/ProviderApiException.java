package dev.videohook.provider;

import dev.videohook.egress.HttpStatus;
import java.time.Duration;
import java.util.Optional;

/**
 * The provider's API refused or failed a call. The message carries the provider's own error text
 * and never the API key.
 */
public final class ProviderApiException extends Exception {
  private final int statusCode;
  private final Duration retryAfter;
  private final boolean timeout;
  private final String errorType;
  private final String limitSource;

  public ProviderApiException(int statusCode, String message) {
    this(statusCode, message, null);
  }

  public ProviderApiException(int statusCode, String message, Duration retryAfter) {
    this(statusCode, message, retryAfter, false);
  }

  /**
   * @param errorType the error body's {@code error.metadata.error_type} ({@code payment_required},
   *     {@code rate_limit_exceeded}...), or null
   * @param limitSource on a 402, {@code error.metadata.limit_source} ({@code openrouter_credits},
   *     {@code openrouter_key_limit}...), or null
   */
  public ProviderApiException(
      int statusCode, String message, Duration retryAfter, String errorType, String limitSource) {
    this(statusCode, message, retryAfter, false, errorType, limitSource);
  }

  private ProviderApiException(
      int statusCode, String message, Duration retryAfter, boolean timeout) {
    this(statusCode, message, retryAfter, timeout, null, null);
  }

  private ProviderApiException(
      int statusCode,
      String message,
      Duration retryAfter,
      boolean timeout,
      String errorType,
      String limitSource) {
    super(message);
    this.statusCode = statusCode;
    this.retryAfter = retryAfter;
    this.timeout = timeout;
    this.errorType = errorType;
    this.limitSource = limitSource;
  }

  /** The provider's {@code error_type} for the refusal, when it said. */
  public Optional<String> errorType() {
    return Optional.ofNullable(errorType);
  }

  /** On a 402, which limit refused the call ({@code limit_source}), when the provider said. */
  public Optional<String> limitSource() {
    return Optional.ofNullable(limitSource);
  }

  /**
   * No full answer (headers and body) within the call's deadline: no status, so worth another try
   * later, like an API that cannot be reached.
   */
  public static ProviderApiException timeout(String message) {
    return new ProviderApiException(0, message, null, true);
  }

  /** The call ran out of time before the whole answer came ({@link #timeout}). */
  public boolean isTimeout() {
    return timeout;
  }

  /** Worth another try later ({@link HttpStatus#isRetryable}): unreachable, 429 or 5xx. */
  public boolean isRetryable() {
    return HttpStatus.isRetryable(statusCode);
  }

  /** The HTTP status, or 0 when the API could not be reached. */
  public int statusCode() {
    return statusCode;
  }

  /** The wait the provider asked for ({@code Retry-After}) and the client did not take. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
