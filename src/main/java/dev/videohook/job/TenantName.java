package dev.videohook.job;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a tenant may be called. A deployed tenant is an API stage and part of CloudFormation logical
 * ids, so template.yaml's {@code Tenants} parameter allows lowercase letters and digits only; the
 * local stack also answers on the HTTP API's {@code $default} stage (no stage in the URL).
 */
public final class TenantName {
  /** The tenant of the {@code $default} stage, which in AWS never invokes a function. */
  public static final String DEFAULT = "$default";

  /** template.yaml's {@code Tenants} {@code AllowedPattern}, the same text. */
  public static final Pattern DEPLOYABLE = Pattern.compile("[a-z][a-z0-9]{0,31}");

  /** How {@link #DEPLOYABLE} reads in a message. */
  public static final String DEPLOYABLE_RULE =
      "1 to 32 lowercase letters and digits, starting with a letter";

  private TenantName() {}

  public static boolean isDeployable(String name) {
    return DEPLOYABLE.matcher(name).matches();
  }

  /** The deployable name closest to {@code name} (lowercase, letters and digits kept), or null. */
  public static String suggestion(String name) {
    String kept = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    kept = kept.replaceFirst("^[0-9]+", "");
    kept = kept.length() > 32 ? kept.substring(0, 32) : kept;
    return isDeployable(kept) ? kept : null;
  }
}
