package dev.videohook.cli;

import dev.videohook.provider.KeyLimit;
import dev.videohook.provider.ProviderApiException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "credits",
    mixinStandardHelpOptions = true,
    description = {
      "Shows what is left of the API key's own spending limit (GET /key: limit_remaining),"
          + " before money is spent. Needs <PROVIDER>_API_KEY.",
      "A submit refused with 402 says whether the key's limit or the account's balance ran out;"
          + " the account's balance itself is on the provider's credits page."
    })
final class CreditsCommand implements Callable<Integer> {
  @ParentCommand VideohookCli cli;
  @Spec CommandSpec spec;

  @Mixin ProviderOption providerOption;

  @Option(
      names = "--api-base",
      description = "Provider API base URL (default: <PROVIDER>_API_BASE, else the provider's).")
  URI apiBase;

  @Option(names = "--json", description = "One JSON document on standard output.")
  boolean json;

  @Override
  public Integer call() {
    KeyLimit key;
    try {
      key = cli.env.providerClient(providerOption.provider, apiBase).key();
    } catch (ProviderApiException e) {
      throw new CliException(ExitCode.FAILED, e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      // the key's label is left out: it is a masked form of the key
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("provider", providerOption.provider.id());
      document.put("limit", key.limit());
      document.put("limit_remaining", key.limitRemaining());
      document.put("limit_reset", key.limitReset());
      document.put("usage", key.usage());
      JobJson.print(out, document);
      return ExitCode.OK;
    }
    out.printf("provider         %s%n", providerOption.provider.id());
    if (key.limited()) {
      out.printf("limit_remaining  %s USD%n", usd(key.limitRemaining()));
      out.printf("limit            %s USD%n", usd(key.limit()));
      out.printf("limit_reset      %s%n", key.limitReset() == null ? "never" : key.limitReset());
    } else {
      out.println("limit_remaining  no limit on this key (the account's balance applies)");
    }
    out.printf("usage            %s USD (all time, this key)%n", usd(key.usage()));
    return ExitCode.OK;
  }

  private static String usd(Double amount) {
    return amount == null ? "?" : String.format(java.util.Locale.ROOT, "%.2f", amount);
  }
}
