package dev.videohook.egress;

/** What an HTTP status says about trying again. */
public final class HttpStatus {
  private HttpStatus() {}

  /**
   * Worth another try later: no answer at all ({@code 0}), rate limited (429) or a server failure
   * (5xx). Any other refusal will be the same next time.
   */
  public static boolean isRetryable(int code) {
    return code == 0 || code == 429 || code >= 500;
  }
}
