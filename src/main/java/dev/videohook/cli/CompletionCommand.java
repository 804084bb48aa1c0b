package dev.videohook.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a completion script for bash and zsh (commands, options, providers).",
      "  source <(videohook completion)                   # this shell",
      "  videohook completion > ~/.local/share/bash-completion/completions/videohook"
    })
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // picocli writes the script from the command tree itself, so it never falls behind
    spec.commandLine().getOut().print(AutoComplete.bash("videohook", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return ExitCode.OK;
  }
}
