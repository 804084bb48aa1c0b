package dev.videohook.cli;

import dev.videohook.provider.Provider;
import picocli.CommandLine.Option;

/** The {@code --provider} option where leaving it out means OpenRouter. */
final class DefaultProviderOption {
  @Option(
      names = {"-p", "--provider"},
      defaultValue = "openrouter",
      converter = ProviderConverter.class,
      description = "openrouter or modelgates (default: ${DEFAULT-VALUE})")
  Provider provider;
}
