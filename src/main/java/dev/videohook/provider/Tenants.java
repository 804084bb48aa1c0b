package dev.videohook.provider;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a tenant's name may be. A tenant is an API Gateway stage: its name is a stage name (letters,
 * digits, '-' and '_', at most 128), or {@value #DEFAULT} for the default stage. Every secret name,
 * key prefix and callback URL is made from such a name, so none can reach another tenant's path. A
 * tenant that is deployed is also part of CloudFormation logical ids, so template.yaml's {@code
 * Tenants} parameter allows only {@link #DEPLOYABLE} names; the local stack also answers on the
 * {@code $default} stage.
 */
public final class Tenants {
  private Tenants() {}

  /** The tenant of an HTTP API's {@code $default} stage, or of a request with no stage. */
  public static final String DEFAULT = "$default";

  /**
   * The tenants a stack serves, comma-separated: the local stack's setting (serve reads it, and
   * writes it into the command line's settings); for a deployed stack, its {@code Tenants}
   * parameter, set where the command line runs.
   */
  public static final String SERVED_ENV = "VIDEOHOOK_TENANTS";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  /** A stage's own name: the default stage has none. */
  public static boolean isNamed(String tenant) {
    return tenant != null && NAME.matcher(tenant).matches();
  }

  /** A tenant a request may name: a named stage or the default one. */
  public static boolean isValid(String tenant) {
    return DEFAULT.equals(tenant) || isNamed(tenant);
  }

  public static boolean isDefault(String tenant) {
    return DEFAULT.equals(tenant);
  }

  /** template.yaml's {@code Tenants} {@code AllowedPattern}, the same text. */
  public static final Pattern DEPLOYABLE = Pattern.compile("[a-z][a-z0-9]{0,31}");

  /** How {@link #DEPLOYABLE} reads in a message. */
  public static final String DEPLOYABLE_RULE =
      "1 to 32 lowercase letters and digits, starting with a letter, and not \"priming\"";

  /**
   * The tenant whose secrets the webhook function reads while SnapStart primes it: never a real
   * tenant's name (template.yaml's TenantNames rule refuses it too).
   */
  public static final String RESERVED_PRIMING = "priming";

  /** A name template.yaml accepts as a tenant (and so an API stage AWS will route). */
  public static boolean isDeployable(String name) {
    return DEPLOYABLE.matcher(name).matches() && !RESERVED_PRIMING.equals(name);
  }

  /** The deployable name closest to {@code name} (lowercase, letters and digits kept), or null. */
  public static String suggestion(String name) {
    String kept = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    kept = kept.replaceFirst("^[0-9]+", "");
    kept = kept.length() > 32 ? kept.substring(0, 32) : kept;
    return isDeployable(kept) ? kept : null;
  }
}
