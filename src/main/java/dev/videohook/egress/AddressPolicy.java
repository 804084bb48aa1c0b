package dev.videohook.egress;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which IP addresses the downloader may connect to: public unicast only. Refused: unspecified,
 * loopback, link-local, private (RFC 1918), CGNAT, ULA, multicast, documentation, benchmarking and
 * the other IANA special-purpose ranges, and any IPv6 form that embeds a refused IPv4 address
 * (IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code
 * 64:ff9b::/96}, 6to4 {@code 2002::/16}). IPv6 must be global unicast ({@code 2000::/3}). Pure: no
 * DNS lookups.
 */
public final class AddressPolicy {
  /** A CIDR block and why it is refused. */
  private record Block(byte[] prefix, int bits, String why) {
    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (prefix[full] & mask);
    }
  }

  private static final List<Block> IPV4 =
      List.of(
          block("0.0.0.0", 8, "unspecified (0.0.0.0/8)"),
          block("10.0.0.0", 8, "private (10.0.0.0/8)"),
          block("100.64.0.0", 10, "shared address space, CGNAT (100.64.0.0/10)"),
          block("127.0.0.0", 8, "loopback (127.0.0.0/8)"),
          block("169.254.0.0", 16, "link-local (169.254.0.0/16)"),
          block("172.16.0.0", 12, "private (172.16.0.0/12)"),
          block("192.0.0.0", 24, "IETF protocol assignments (192.0.0.0/24)"),
          block("192.0.2.0", 24, "documentation (192.0.2.0/24)"),
          block("192.88.99.0", 24, "6to4 relay anycast (192.88.99.0/24)"),
          block("192.168.0.0", 16, "private (192.168.0.0/16)"),
          block("198.18.0.0", 15, "benchmarking (198.18.0.0/15)"),
          block("198.51.100.0", 24, "documentation (198.51.100.0/24)"),
          block("203.0.113.0", 24, "documentation (203.0.113.0/24)"),
          block("224.0.0.0", 4, "multicast (224.0.0.0/4)"),
          block("240.0.0.0", 4, "reserved (240.0.0.0/4, broadcast included)"));

  private static final List<Block> IPV6 =
      List.of(
          block("::1", 128, "loopback (::1)"),
          block("::", 128, "unspecified (::)"),
          block("64:ff9b:1::", 48, "local-use NAT64 (64:ff9b:1::/48)"),
          block("100::", 64, "discard-only (100::/64)"),
          block("2001::", 23, "IETF protocol assignments, Teredo included (2001::/23)"),
          block("2001:db8::", 32, "documentation (2001:db8::/32)"),
          block("fc00::", 7, "unique local (fc00::/7)"),
          block("fe80::", 10, "link-local (fe80::/10)"),
          block("fec0::", 10, "site-local (fec0::/10)"),
          block("ff00::", 8, "multicast (ff00::/8)"));

  private static final Block IPV4_MAPPED = block("::ffff:0:0", 96, "IPv4-mapped");
  private static final Block IPV4_COMPATIBLE = block("::", 96, "IPv4-compatible");
  private static final Block NAT64 = block("64:ff9b::", 96, "NAT64");
  private static final Block SIX_TO_FOUR = block("2002::", 16, "6to4");
  private static final Block GLOBAL_UNICAST = block("2000::", 3, "global unicast");

  private AddressPolicy() {}

  /** True when {@code address} is a public unicast address. */
  public static boolean isPublic(InetAddress address) {
    return refusal(address).isEmpty();
  }

  /** Why {@code address} is not public, or empty when it is. */
  public static Optional<String> refusal(InetAddress address) {
    return refusal(address.getAddress());
  }

  /** True for 127.0.0.0/8 and ::1, in any of their IPv6 forms. */
  public static boolean isLoopback(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 16 && IPV4_MAPPED.contains(bytes)) {
      bytes = Arrays.copyOfRange(bytes, 12, 16);
    }
    return bytes.length == 4 ? bytes[0] == 127 : IPV6.get(0).contains(bytes);
  }

  private static Optional<String> refusal(byte[] bytes) {
    if (bytes.length == 4) {
      return IPV4.stream().filter(b -> b.contains(bytes)).map(Block::why).findFirst();
    }
    for (Block b : IPV6) {
      if (b.contains(bytes)) {
        return Optional.of(b.why());
      }
    }
    for (Block embedding : List.of(IPV4_MAPPED, IPV4_COMPATIBLE)) {
      if (embedding.contains(bytes)) {
        // never a destination of its own: refused, whatever IPv4 address it carries
        return Optional.of(
            embedding.why()
                + " form of "
                + refusal(Arrays.copyOfRange(bytes, 12, 16)).orElse("an IPv4 address"));
      }
    }
    if (NAT64.contains(bytes)) {
      // DNS64 in an IPv6-only subnet answers so for public IPv4 hosts: allowed when that host is
      Optional<String> inner = refusal(Arrays.copyOfRange(bytes, 12, 16));
      return inner.map(why -> "NAT64 form of " + why);
    }
    if (SIX_TO_FOUR.contains(bytes)) {
      Optional<String> inner = refusal(Arrays.copyOfRange(bytes, 2, 6));
      if (inner.isPresent()) {
        return Optional.of("6to4 form of " + inner.get());
      }
    }
    if (!GLOBAL_UNICAST.contains(bytes)) {
      return Optional.of("not IPv6 global unicast (2000::/3)");
    }
    return Optional.empty();
  }

  private static Block block(String literal, int bits, String why) {
    try {
      // literals only: no DNS lookup. An IPv4-mapped literal would come back as IPv4: keep 16 bytes
      InetAddress parsed = InetAddress.getByName(literal);
      byte[] bytes = parsed.getAddress();
      if (literal.contains(":") && parsed instanceof Inet4Address) {
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(bytes, 0, v6, 12, 4);
        bytes = v6;
      }
      return new Block(bytes, bits, why);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("not an IP literal: " + literal, e);
    }
  }
}
