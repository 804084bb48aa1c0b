package dev.videohook.provider;

import java.util.regex.Pattern;

/**
 * What a tenant's name may be. A tenant is an API Gateway stage: its name is a stage name (letters,
 * digits, '-' and '_', at most 128), or {@value #DEFAULT} for the default stage. Every secret name,
 * key prefix and callback URL is made from such a name, so none can reach another tenant's path.
 */
public final class Tenants {
  private Tenants() {}

  /** The tenant of an HTTP API's {@code $default} stage, or of a request with no stage. */
  public static final String DEFAULT = "$default";

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
}
