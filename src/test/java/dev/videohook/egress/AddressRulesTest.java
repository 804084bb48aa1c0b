package dev.videohook.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The downloader's address rules, range by range, literal by literal and name by name. */
class AddressRulesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "0.0.0.0",
        "0.1.2.3",
        "10.0.0.1",
        "10.255.255.255",
        "100.64.0.1",
        "100.127.255.254",
        "127.0.0.1",
        "127.255.255.255",
        "169.254.169.254",
        "169.254.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.0.0.8",
        "192.0.2.1",
        "192.88.99.1",
        "192.168.0.1",
        "192.168.255.255",
        "198.18.0.1",
        "198.19.255.255",
        "198.51.100.7",
        "203.0.113.9",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "::127.0.0.1",
        "::169.254.169.254",
        "::10.0.0.1",
        "::8.8.8.8",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b::10.0.0.1",
        "64:ff9b:1::1",
        "100::1",
        "2001::1",
        "2001:db8::1",
        "2002:a9fe:a9fe::1",
        "2002:7f00:1::1",
        "fc00::1",
        "fd00:ec2::254",
        "fdff:ffff::1",
        "fe80::1",
        "febf::1",
        "fec0::1",
        "ff02::1",
        "ff0e::1",
        "::ffff:0.0.0.0",
        "1::1",
        "4000::1"
      })
  void refusal_shouldNameTheRange_forEveryNonPublicAddress(String literal) throws Exception {
    InetAddress address = InetAddress.getByName(literal);
    assertTrue(AddressPolicy.refusal(address).isPresent(), literal);
    assertFalse(AddressPolicy.isPublic(address), literal);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.1.1.1",
        "8.8.8.8",
        "93.184.216.34",
        "100.63.255.255",
        "100.128.0.0",
        "172.15.255.255",
        "172.32.0.0",
        "192.167.255.255",
        "192.169.0.0",
        "169.253.255.255",
        "198.17.255.255",
        "198.20.0.0",
        "223.255.255.255",
        "2606:4700:4700::1111",
        "2a00:1450:4001::200e",
        "2002:0808:0808::1",
        "64:ff9b::808:808"
      })
  void refusal_shouldBeEmpty_forPublicAddresses(String literal) throws Exception {
    assertTrue(AddressPolicy.isPublic(InetAddress.getByName(literal)), literal);
  }

  @ParameterizedTest
  @CsvSource({
    "::ffff:a9fe:a9fe, link-local",
    "::a9fe:a9fe, IPv4-compatible form of link-local",
    "64:ff9b::7f00:1, NAT64 form of loopback",
    "2002:0a00:0001::, 6to4 form of private",
    "fd00:ec2::254, unique local",
    "169.254.169.254, link-local"
  })
  void refusal_shouldSayWhichRange(String literal, String expected) throws Exception {
    String why = AddressPolicy.refusal(InetAddress.getByName(literal)).orElseThrow();
    assertTrue(why.startsWith(expected), literal + ": " + why);
  }

  /** Every IPv4 form of a refused address is refused, however IPv6 carries it. */
  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "169.254.169.254", "100.64.0.1", "0.0.0.0"})
  void refusal_shouldCoverMappedAndCompatibleBytes(String v4) throws Exception {
    byte[] four = InetAddress.getByName(v4).getAddress();
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(four, 0, mapped, 12, 4);
    byte[] compatible = new byte[16];
    System.arraycopy(four, 0, compatible, 12, 4);
    assertFalse(AddressPolicy.isPublic(InetAddress.getByAddress(mapped)), "mapped " + v4);
    assertFalse(AddressPolicy.isPublic(InetAddress.getByAddress(compatible)), "compat " + v4);
  }

  private static final TestDns DNS =
      new TestDns(
          Map.ofEntries(
              Map.entry("cdn.example.com", List.of("93.184.216.34", "2606:2800:220:1::1")),
              Map.entry("metadata.evil.test", List.of("169.254.169.254")),
              Map.entry("ula.evil.test", List.of("fd00:ec2::254")),
              Map.entry("mapped.evil.test", List.of("::ffff:10.0.0.1")),
              Map.entry("mixed.evil.test", List.of("93.184.216.34", "10.0.0.1")),
              Map.entry("loopback.evil.test", List.of("127.0.0.1")),
              Map.entry("cgnat.evil.test", List.of("100.64.1.1")),
              Map.entry("zero.evil.test", List.of("0.0.0.0")),
              Map.entry("multicast.evil.test", List.of("ff02::1"))));

  @ParameterizedTest
  @CsvSource({
    // scheme, host, local mode, allowed
    "https, cdn.example.com, false, true",
    "https, 93.184.216.34, false, true",
    "https, [2606:4700:4700::1111], false, true",
    "https, metadata.evil.test, false, false",
    "https, ula.evil.test, false, false",
    "https, mapped.evil.test, false, false",
    "https, mixed.evil.test, false, false",
    "https, loopback.evil.test, false, false",
    "https, cgnat.evil.test, false, false",
    "https, zero.evil.test, false, false",
    "https, multicast.evil.test, false, false",
    "https, 169.254.169.254, false, false",
    "https, [fd00:ec2::254], false, false",
    "https, [::ffff:169.254.169.254], false, false",
    "https, [::ffff:a9fe:a9fe], false, false",
    "https, [::169.254.169.254], false, false",
    "https, 10.0.0.1, false, false",
    "https, 127.0.0.1, false, false",
    "https, [::1], false, false",
    "https, [fe80::1%25eth0], false, false",
    "https, 2130706433, false, false",
    "https, 127.1, false, false",
    "https, 0177.0.0.1, false, false",
    "https, 010.0.0.1, false, false",
    "http, cdn.example.com, false, false",
    "http, 127.0.0.1, false, false",
    "http, 127.0.0.1, true, true",
    "http, [::1], true, true",
    "http, loopback.evil.test, true, true",
    "http, cdn.example.com, true, false",
    "http, 10.0.0.1, true, false",
    "http, metadata.evil.test, true, false",
    "https, 127.0.0.1, true, true",
    "https, metadata.evil.test, true, false",
    "https, 192.168.1.1, true, false",
    "ftp, cdn.example.com, true, false",
    "file, '', true, false"
  })
  void check_shouldAllowOnlyPublicAddresses_andLoopbackInLocalMode(
      String scheme, String host, boolean localMode, boolean allowed) throws Exception {
    String h = host.replace("%25", "%");
    if (allowed) {
      Destination d = Destination.check(scheme, h, DNS, localMode);
      assertFalse(d.addresses().isEmpty());
    } else {
      RefusedDestinationException e =
          assertThrows(
              RefusedDestinationException.class,
              () -> Destination.check(scheme, h, DNS, localMode));
      assertTrue(e.getMessage().startsWith("refused"), e.getMessage());
    }
  }

  @Test
  void check_shouldReturnTheAddressesItChecked_andNeverLookUpALiteral() throws Exception {
    TestDns dns = new TestDns(Map.of("cdn.example.com", List.of("93.184.216.34")));
    Destination d = Destination.check("https", "CDN.example.com", dns, false);
    assertEquals("cdn.example.com", d.host());
    assertEquals(List.of(InetAddress.getByName("93.184.216.34")), d.addresses());
    Destination.check("https", "8.8.8.8", dns, false);
    Destination.check("https", "[2606:4700:4700::1111]", dns, false);
    assertEquals(List.of("cdn.example.com"), dns.asked());
  }

  @Test
  void check_shouldLetAnUnknownNameFail_asSomethingThatMayPass() {
    assertThrows(
        UnknownHostException.class, () -> Destination.check("https", "nowhere.test", DNS, false));
  }
}
