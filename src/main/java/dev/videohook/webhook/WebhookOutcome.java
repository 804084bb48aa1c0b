package dev.videohook.webhook;

/** How the receiver answered one request. The HTTP status is all the sender ever learns. */
public enum WebhookOutcome {
  RECORDED(204),
  DUPLICATE(204),
  /** New delivery for a job whose terminal state was already set; kept for audit only. */
  JOB_ALREADY_TERMINAL(204),
  /**
   * A verified event of a type this version does not know: kept raw as a delivery record (for
   * audit), no job changed; accepted so senders can evolve.
   */
  UNKNOWN_TYPE_RECORDED(204),
  /**
   * A validly signed event for a job videohook submitted for another tenant: nothing written,
   * counted ({@code WebhookForeignTenant}) and logged for an alarm. Answered 2xx on purpose:
   * retrying can never make it this tenant's job, and the provider's retry policy (which answers
   * end retries) is not published, so any other answer risks a retry loop; the owner's own delivery
   * goes to the owner's URL. Such a request is a replay with a secret two tenants share, or a
   * callback URL pointed at the wrong tenant: the alarm is what tells an operator.
   */
  FOREIGN_TENANT(204),
  /** Not a webhook path of a known provider. */
  NOT_FOUND(404),
  /** Signature missing or invalid; the reason goes to the log only. */
  UNAUTHORIZED(401),
  /** Validly signed, but not a valid event envelope. */
  INVALID_EVENT(400),
  /**
   * Validly signed and parsed, but DynamoDB refused its values (a ValidationException): a bad
   * event, not a storage failure, so retrying cannot help. Logged at ERROR for an alarm.
   */
  UNSTORABLE_EVENT(400),
  BODY_TOO_LARGE(413),
  /** No secret is configured for this tenant and provider: the sender should retry later. */
  NOT_CONFIGURED(503),
  /** DynamoDB failed: not acknowledged, so that the sender retries. */
  STORAGE_FAILED(500);

  private final int httpStatus;

  WebhookOutcome(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public boolean acknowledged() {
    return httpStatus / 100 == 2;
  }
}
