package dev.videohook.secrets;

/**
 * Secrets Manager could not be read and nothing was read before: the key is not known to be
 * missing, so whatever needed it is worth a retry (never a permanent "no API key").
 */
public final class SecretsUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SecretsUnavailableException(String secretId) {
    super("Secrets Manager could not be read (" + secretId + "): try again");
  }
}
