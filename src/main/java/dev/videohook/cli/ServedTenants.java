package dev.videohook.cli;

import dev.videohook.provider.Tenants;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The tenants the stack serves, as the command line knows them: {@value Tenants#SERVED_ENV}, which
 * serve writes into {@code target/local.env} and which a deployed stack's settings give as its
 * {@code Tenants} parameter. A command that takes {@code -t} refuses a tenant outside it before it
 * does anything (exit 2): a mistyped tenant would otherwise get a job whose webhook is refused
 * ({@code 503 not_configured} or {@code 404}) and which stays pending for good. When the setting is
 * not there the stack's own answer is the only check.
 */
final class ServedTenants {
  private ServedTenants() {}

  /**
   * Refuses {@code tenant} unless the stack serves it. The local stack also answers on its {@code
   * $default} stage; a deployed one does not (AWS throttles it to zero).
   *
   * @throws CliException (usage) naming the tenants served and how to add one
   */
  static void check(CliEnvironment env, String tenant) {
    Optional<Set<String>> served = served(env);
    if (served.isEmpty()) {
      return;
    }
    if (served.get().contains(tenant) || (Tenants.isDefault(tenant) && env.localMode())) {
      return;
    }
    throw new CliException(ExitCode.USAGE, refusal(tenant, served.get(), env.localMode()));
  }

  /** The tenants named in {@value Tenants#SERVED_ENV}, when it is set. */
  static Optional<Set<String>> served(CliEnvironment env) {
    return env.get(Tenants.SERVED_ENV)
        .map(
            list ->
                Arrays.stream(list.split(","))
                    .map(String::strip)
                    .filter(name -> !name.isEmpty())
                    .collect(Collectors.toCollection(LinkedHashSet::new)));
  }

  static String refusal(String tenant, Set<String> served, boolean local) {
    String list = String.join(",", served);
    String with = list.isEmpty() ? tenant : list + "," + tenant;
    String stack = local ? "the local stack" : "this stack";
    String toAddLocally =
        "locally, restart serve with "
            + Tenants.SERVED_ENV
            + "="
            + with
            + " and load target/local.env again";
    String toAddOnAws =
        "on AWS, add it to the stack's Tenants parameter (sam deploy --parameter-overrides"
            + " Tenants="
            + with
            + "), store its secrets, and add it to "
            + Tenants.SERVED_ENV
            + " (docs/deploy.md)";
    return "tenant '"
        + tenant
        + "' is not served by "
        + stack
        + ": it serves "
        + (served.isEmpty() ? "none" : String.join(", ", served))
        + (local ? " (and $default, the tenant when -t is left out)" : "")
        + " ("
        + Tenants.SERVED_ENV
        + "). To add a tenant: "
        + (local ? toAddLocally + "; " + toAddOnAws : toAddOnAws + "; " + toAddLocally)
        + ".";
  }
}
