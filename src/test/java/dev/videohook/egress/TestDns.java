package dev.videohook.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A resolver that knows only the names it is given (IP literals as answers), and records every name
 * it was asked: a DNS of the test's own, so names can resolve to any address.
 */
public final class TestDns implements HostResolver {
  private final Map<String, List<String>> names = new ConcurrentHashMap<>();
  private final List<String> asked = new CopyOnWriteArrayList<>();

  public TestDns(Map<String, List<String>> names) {
    this.names.putAll(names);
  }

  /** {@code name} resolves to {@code literals} from now on. */
  public TestDns with(String name, String... literals) {
    names.put(name, List.of(literals));
    return this;
  }

  public List<String> asked() {
    return List.copyOf(asked);
  }

  @Override
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    asked.add(host);
    List<String> literals = names.get(host);
    if (literals == null) {
      throw new UnknownHostException(host);
    }
    List<InetAddress> out = new ArrayList<>();
    for (String literal : literals) {
      out.add(InetAddress.getByName(literal));
    }
    return out;
  }
}
