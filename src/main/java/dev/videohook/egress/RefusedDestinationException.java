package dev.videohook.egress;

/**
 * A URL the downloader must not fetch: its scheme, its host or one of the host's addresses is not
 * allowed. Retrying cannot change that. The message is written here and names the host and the
 * rule, never a query string or a credential.
 */
public final class RefusedDestinationException extends Exception {
  private static final long serialVersionUID = 1L;

  public RefusedDestinationException(String message) {
    super(message);
  }
}
