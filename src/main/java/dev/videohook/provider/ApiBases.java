package dev.videohook.provider;

import dev.videohook.config.Settings;
import dev.videohook.net.UrlPolicy;
import java.net.URI;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/** Each provider's API base as a function's settings give it: where the API key may be sent. */
public final class ApiBases {
  private ApiBases() {}

  /**
   * {@code OPENROUTER_API_BASE} / {@code MODELGATES_API_BASE}, each provider's public API base when
   * unset. A base that is not https (or plain http to a loopback host, with {@code loopbackSwitch}
   * on) is recorded as a problem in {@code settings}, naming the variable and the switch.
   */
  public static Map<Provider, URI> read(
      Settings settings, boolean allowLoopbackHttp, String loopbackSwitch) {
    Map<Provider, URI> apiBases = new EnumMap<>(Provider.class);
    for (Provider provider : Provider.values()) {
      URI base = settings.uri(provider.apiBaseEnv()).orElse(provider.defaultApiBase());
      if (!UrlPolicy.isAllowed(base, allowLoopbackHttp)) {
        settings.problem(
            provider.apiBaseEnv()
                + " must be an https URL (plain http only for a loopback host with "
                + loopbackSwitch
                + "=true), got '"
                + base
                + "'");
      }
      apiBases.put(provider, base);
    }
    return Collections.unmodifiableMap(apiBases);
  }
}
