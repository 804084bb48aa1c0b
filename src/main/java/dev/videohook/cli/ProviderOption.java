package dev.videohook.cli;

import dev.videohook.provider.Provider;
import picocli.CommandLine.Option;

/** The {@code --provider} option, the same on every command that names one. */
final class ProviderOption {
  @Option(
      names = {"-p", "--provider"},
      required = true,
      converter = ProviderConverter.class,
      completionCandidates = ProviderIds.class,
      description = "One of: ${COMPLETION-CANDIDATES}.")
  Provider provider;
}
