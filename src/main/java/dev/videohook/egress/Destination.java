package dev.videohook.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A host whose addresses have been resolved once and checked: connect to these addresses and no
 * others, so no second DNS lookup can answer differently between the check and the connection.
 *
 * @param host the host as the HTTP client will see it (lower case, IPv6 without brackets)
 * @param addresses every address of the host, each one allowed
 */
public record Destination(String host, List<InetAddress> addresses) {
  /** What an HTTP client treats as an IP literal rather than a name (OkHttp's own test). */
  private static final Pattern LOOKS_LIKE_IP =
      Pattern.compile("[0-9a-fA-F]*:[0-9a-fA-F:.]*|[\\d.]+");

  private static final Pattern DOTTED_QUAD =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  public Destination {
    addresses = List.copyOf(addresses);
  }

  /**
   * Resolves {@code host} (an IP literal is parsed, never looked up) and checks every address:
   * public unicast only; loopback too when {@code allowLoopback} (local mode); plain http only to
   * loopback, in local mode.
   *
   * @throws RefusedDestinationException when the scheme, the host or any of its addresses is not
   *     allowed (permanent: retrying cannot change it)
   * @throws UnknownHostException when the name does not resolve (perhaps for now)
   */
  public static Destination check(
      String scheme, String host, HostResolver resolver, boolean allowLoopback)
      throws RefusedDestinationException, UnknownHostException {
    String s = scheme == null ? "" : scheme.toLowerCase(Locale.ROOT);
    if (host == null || host.isEmpty()) {
      throw new RefusedDestinationException("refused: the URL has no host");
    }
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    h = h.toLowerCase(Locale.ROOT);
    boolean http = s.equals("http");
    if (!s.equals("https") && !(http && allowLoopback)) {
      throw new RefusedDestinationException(
          "refused " + s + "://" + h + ": only https (plain http only to loopback in local mode)");
    }
    List<InetAddress> addresses = addresses(h, resolver);
    for (InetAddress address : addresses) {
      boolean loopback = AddressPolicy.isLoopback(address);
      if (http && !loopback) {
        throw new RefusedDestinationException(
            "refused http://"
                + h
                + ": plain http only to a loopback address, and "
                + address.getHostAddress()
                + " is not one");
      }
      if (loopback && allowLoopback) {
        continue;
      }
      String why = AddressPolicy.refusal(address).orElse(null);
      if (why != null) {
        throw new RefusedDestinationException(
            "refused "
                + s
                + "://"
                + h
                + ": it resolves to "
                + address.getHostAddress()
                + ", "
                + why
                + ": only public addresses are fetched");
      }
    }
    return new Destination(h, addresses);
  }

  private static List<InetAddress> addresses(String host, HostResolver resolver)
      throws RefusedDestinationException, UnknownHostException {
    if (host.contains("%")) {
      throw new RefusedDestinationException("refused " + host + ": a scoped IPv6 address");
    }
    if (LOOKS_LIKE_IP.matcher(host).matches()) {
      if (!host.contains(":") && !DOTTED_QUAD.matcher(host).matches()) {
        // 127.1, 2130706433, 0177.0.0.1: ambiguous forms that parsers read differently
        throw new RefusedDestinationException(
            "refused " + host + ": not a canonical dotted-quad IPv4 address");
      }
      return List.of(InetAddress.getByName(host)); // a literal: parsed, no DNS lookup
    }
    List<InetAddress> resolved = resolver.resolve(host);
    if (resolved == null || resolved.isEmpty()) {
      throw new RefusedDestinationException("refused " + host + ": it resolves to no address");
    }
    return resolved;
  }
}
