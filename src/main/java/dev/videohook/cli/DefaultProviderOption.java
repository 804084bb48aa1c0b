package dev.videohook.cli;

import dev.videohook.provider.Provider;
import picocli.CommandLine.Option;

/** The {@code --provider} option where leaving it out means OpenRouter. */
final class DefaultProviderOption {
  @Option(
      names = {"-p", "--provider"},
      defaultValue = "openrouter",
      converter = ProviderConverter.class,
      completionCandidates = ProviderIds.class,
      description = "One of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Provider provider;
}
