package dev.videohook.egress;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Pure URL rules shared by the downloader and the command line. Where the downloader may connect,
 * and where the provider API key may go. HTTPS only; plain HTTP only to a loopback host (an IP
 * literal in 127.0.0.0/8, {@code [::1]} or {@code localhost}) and only when local mode allows it.
 * Host names are never resolved to decide.
 */
public final class UrlPolicy {
  private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private UrlPolicy() {}

  public static boolean isAllowed(URI uri, boolean allowLoopbackHttp) {
    if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
      return false;
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https")) {
      return true;
    }
    return scheme.equals("http") && allowLoopbackHttp && isLoopback(uri.getHost());
  }

  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!IPV4_LITERAL.matcher(h).matches() && !h.contains(":")) {
      return false; // a name: never resolved here
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no DNS lookup
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** scheme://host:port, lower case, with the scheme's default port made explicit. */
  public static String origin(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    return scheme + "://" + host + ":" + port(uri);
  }

  /** The URL's port, the scheme's default when it names none (-1 for another scheme). */
  public static int port(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getPort() != -1) {
      return uri.getPort();
    }
    return scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
  }

  public static boolean sameOrigin(URI a, URI b) {
    return origin(a).equals(origin(b));
  }

  /** The URL without its query, fragment or user info, fit for logs and stored errors. */
  public static String redacted(URI uri) {
    if (uri == null) {
      return "(none)";
    }
    if (uri.getHost() == null) {
      return "(not an absolute URL)";
    }
    String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return uri.getScheme() + "://" + uri.getHost() + port + path;
  }
}
