package dev.videohook.cli;

import dev.videohook.provider.Provider;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Every provider's id, for picocli's {@code ${COMPLETION-CANDIDATES}} in the help of a {@code
 * --provider} option: the list is the enum's, never typed again.
 */
public final class ProviderIds implements Iterable<String> {
  @Override
  public Iterator<String> iterator() {
    return Arrays.stream(Provider.values()).map(Provider::id).iterator();
  }
}
