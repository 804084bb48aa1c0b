package dev.videohook.cli;

import dev.videohook.provider.Provider;
import picocli.CommandLine;

/** {@code --provider} by a provider's id, case-insensitive. */
final class ProviderConverter implements CommandLine.ITypeConverter<Provider> {
  @Override
  public Provider convert(String value) {
    return Provider.fromId(value)
        .orElseThrow(
            () ->
                new CommandLine.TypeConversionException(
                    "unknown provider '" + value + "', expected one of: " + Provider.ids()));
  }
}
