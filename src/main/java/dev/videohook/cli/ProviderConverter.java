package dev.videohook.cli;

import dev.videohook.provider.Provider;
import java.util.Arrays;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** {@code --provider openrouter|modelgates}, case-insensitive. */
final class ProviderConverter implements CommandLine.ITypeConverter<Provider> {
  @Override
  public Provider convert(String value) {
    return Provider.fromId(value)
        .orElseThrow(
            () ->
                new CommandLine.TypeConversionException(
                    "unknown provider '"
                        + value
                        + "', expected one of: "
                        + Arrays.stream(Provider.values())
                            .map(Provider::id)
                            .collect(Collectors.joining(", "))));
  }
}
