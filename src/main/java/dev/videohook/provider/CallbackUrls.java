package dev.videohook.provider;

import dev.videohook.egress.UrlPolicy;
import java.net.URI;

/**
 * A tenant's callback URL: the deployed API's base URL, then the stage (the tenant), then the
 * provider's webhook path. Users do not paste it by hand.
 */
public final class CallbackUrls {
  private CallbackUrls() {}

  /**
   * @param apiUrl the HTTP API's base URL, e.g. {@code
   *     https://abc123.execute-api.eu-west-1.amazonaws.com}
   * @param tenant the stage; {@code $default} for the default stage, which has no path segment
   */
  public static URI forTenant(URI apiUrl, String tenant, Provider provider) {
    String base = apiUrl.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String stage = Tenants.isDefault(tenant) ? "" : "/" + tenant;
    return URI.create(base + stage + provider.webhookPath());
  }

  /**
   * @throws IllegalArgumentException unless the URL is HTTPS, or plain HTTP to this machine in
   *     local mode
   */
  public static URI requireSecure(URI callbackUrl) {
    if (callbackUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "callback URL must be absolute, e.g. https://api.example.com/openrouter/video-webhook: "
              + callbackUrl);
    }
    // the same rule as the downloader's in local mode: https, or plain http to this machine
    if (UrlPolicy.isAllowed(callbackUrl, true)) {
      return callbackUrl;
    }
    throw new IllegalArgumentException(
        "callback URL must use https (plain http only to this machine, for the local stack): "
            + callbackUrl);
  }
}
