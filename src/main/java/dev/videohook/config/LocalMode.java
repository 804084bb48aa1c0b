package dev.videohook.config;

/**
 * The local stack's one switch, {@value #LOOPBACK_HTTP}: plain http to loopback hosts (the
 * simulated providers' APIs and CDN) for the downloader, the reconciler and the command line alike.
 * It is refused inside Lambda, where nothing local runs (except in SAM CLI's container).
 */
public final class LocalMode {
  /** The switch; every component reads this one name. */
  public static final String LOOPBACK_HTTP = "DOWNLOAD_ALLOW_LOOPBACK_HTTP";

  /** Set by SAM CLI in {@code sam local invoke}'s container, which is not AWS. */
  public static final String AWS_SAM_LOCAL = "AWS_SAM_LOCAL";

  private LocalMode() {}

  /**
   * Whether the switch is on; on inside Lambda is recorded as a problem in {@code settings}, since
   * an emulator's plain-http host has no business in AWS.
   */
  public static boolean loopbackHttp(Settings settings) {
    boolean on = settings.flag(LOOPBACK_HTTP);
    if (on && SharedConfig.onLambda(settings) && !settings.flag(AWS_SAM_LOCAL)) {
      settings.problem(
          LOOPBACK_HTTP
              + " is for the local stack only and is refused inside Lambda ("
              + SharedConfig.AWS_LAMBDA_FUNCTION_NAME
              + " is set): remove it");
    }
    return on;
  }
}
