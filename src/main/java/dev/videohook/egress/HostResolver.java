package dev.videohook.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into addresses. The downloader resolves every hop through one of these, checks
 * what it got with {@link AddressPolicy}, and connects to exactly those addresses; tests inject a
 * resolver of their own.
 */
@FunctionalInterface
public interface HostResolver {
  /** The JVM's resolver (the system's DNS). */
  HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  /**
   * @return every address of {@code host}, never empty
   * @throws UnknownHostException when the name does not resolve
   */
  List<InetAddress> resolve(String host) throws UnknownHostException;
}
