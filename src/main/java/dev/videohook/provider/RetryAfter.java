package dev.videohook.provider;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * How the provider client honours {@code Retry-After} on 429 and 503: at most {@code maxRetries}
 * more tries per call, each after the wait the provider asked for, and only when that wait is at
 * most {@code maxWait}. A longer wait, or no header, ends the call with the error: the caller (a
 * user at the command line, the reconciler with its own backoff and deadline) decides what next.
 * The bound keeps a call inside the reconciler's margin before its function's timeout.
 */
public record RetryAfter(int maxRetries, Duration maxWait) {
  /** Two more tries, each after at most 10 s: 20 s at worst, inside the reconciler's margin. */
  public static final RetryAfter DEFAULT = new RetryAfter(2, Duration.ofSeconds(10));

  /** Never waits: every 429 and 503 ends the call. */
  public static final RetryAfter NEVER = new RetryAfter(0, Duration.ZERO);

  public RetryAfter {
    if (maxRetries < 0 || maxWait == null || maxWait.isNegative()) {
      throw new IllegalArgumentException("maxRetries and maxWait must not be negative");
    }
  }

  /** The statuses whose {@code Retry-After} is honoured: rate limited, unavailable. */
  public static boolean appliesTo(int status) {
    return status == 429 || status == 503;
  }

  /**
   * The wait before the next try, or empty when the call should end now.
   *
   * @param retriesSoFar tries already repeated for this call
   * @param header the {@code Retry-After} value, or null
   */
  public Optional<Duration> waitBeforeRetry(int retriesSoFar, String header, Instant now) {
    if (retriesSoFar >= maxRetries) {
      return Optional.empty();
    }
    return parse(header, now).filter(wait -> wait.compareTo(maxWait) <= 0);
  }

  /**
   * The wait before the next try when the provider asked for {@code asked}, or empty when the call
   * should end now (no more tries left, nothing asked, or longer than {@code maxWait}).
   */
  public Optional<Duration> waitBeforeRetry(int retriesSoFar, Optional<Duration> asked) {
    if (retriesSoFar >= maxRetries) {
      return Optional.empty();
    }
    return asked.filter(wait -> wait.compareTo(maxWait) <= 0);
  }

  /**
   * The wait a 429 or 503 asks for: {@code Retry-After} when given, else, when the limit that was
   * hit is spent ({@code X-RateLimit-Remaining} 0 or absent), the time until {@code
   * X-RateLimit-Reset}. The provider sends the {@code X-RateLimit-*} headers when one of its own
   * limits is hit and {@code Retry-After} only when every upstream it tried sent a hint, so a 429
   * often carries only the reset.
   *
   * @param reset Unix milliseconds (as the provider sends it), Unix seconds, or seconds from now
   */
  public static Optional<Duration> asked(
      String retryAfter, String remaining, String reset, Instant now) {
    Optional<Duration> hinted = parse(retryAfter, now);
    if (hinted.isPresent()) {
      return hinted;
    }
    if (remaining != null && !remaining.strip().equals("0")) {
      return Optional.empty();
    }
    return parseReset(reset, now);
  }

  /** {@code X-RateLimit-Reset} as a wait from {@code now}; a time already past is no wait. */
  static Optional<Duration> parseReset(String header, Instant now) {
    if (header == null) {
      return Optional.empty();
    }
    String value = header.strip();
    if (value.isEmpty() || value.length() > 15 || !value.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    long number = Long.parseLong(value);
    Instant at;
    if (number >= 100_000_000_000L) {
      at = Instant.ofEpochMilli(number);
    } else if (number >= 1_000_000_000L) {
      at = Instant.ofEpochSecond(number);
    } else {
      return Optional.of(Duration.ofSeconds(number));
    }
    // rounded up to whole seconds: a retry a few milliseconds early is refused again
    Duration left = Duration.between(now, at);
    return Optional.of(
        left.isNegative()
            ? Duration.ZERO
            : Duration.ofSeconds(left.getSeconds() + (left.getNano() > 0 ? 1 : 0)));
  }

  /**
   * {@code Retry-After} as a wait from {@code now}: delta seconds ({@code 120}) or an HTTP date
   * ({@code Wed, 21 Oct 2026 07:28:00 GMT}); a date already past is no wait. Empty when absent or
   * unreadable.
   */
  public static Optional<Duration> parse(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.strip();
    if (value.chars().allMatch(Character::isDigit)) {
      // more digits than a long holds is still "a very long time"
      return Optional.of(
          value.length() > 12
              ? Duration.ofSeconds(999_999_999_999L)
              : Duration.ofSeconds(Long.parseLong(value)));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
    } catch (DateTimeException unreadable) {
      return Optional.empty();
    }
  }
}
