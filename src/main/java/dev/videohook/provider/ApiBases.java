package dev.videohook.provider;

import dev.videohook.config.Settings;
import dev.videohook.egress.UrlPolicy;
import java.net.URI;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Each provider's API base as a function's settings give it: where the API key may be sent. */
public final class ApiBases {
  private ApiBases() {}

  /** The variables {@link #read} reads: each provider's API base. */
  public static final Set<String> ENVIRONMENT =
      Arrays.stream(Provider.values())
          .map(Provider::apiBaseEnv)
          .collect(Collectors.toUnmodifiableSet());

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

  /** An unmodifiable copy, in provider order. */
  public static Map<Provider, URI> copyOf(Map<Provider, URI> apiBases) {
    Map<Provider, URI> copy = new EnumMap<>(Provider.class);
    copy.putAll(apiBases);
    return Collections.unmodifiableMap(copy);
  }
}
