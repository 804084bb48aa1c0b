package dev.videohook.provider;

import java.util.Map;

/**
 * What {@code GET /key} says about the API key's spending: its limit in USD and what is left of it
 * (both null when the key has no limit of its own), when the limit resets, and what it spent.
 *
 * @param limitReset {@code daily}, {@code weekly}, {@code monthly}, or null when it never resets
 * @param usage USD spent with this key, all time; null when not said
 */
public record KeyLimit(
    String label, Double limit, Double limitRemaining, String limitReset, Double usage) {

  static KeyLimit from(Map<?, ?> data) {
    return new KeyLimit(
        data.get("label") instanceof String label ? label : null,
        number(data.get("limit")),
        number(data.get("limit_remaining")),
        data.get("limit_reset") instanceof String reset ? reset : null,
        number(data.get("usage")));
  }

  /** Whether a per-key limit applies ({@code limit_remaining} given). */
  public boolean limited() {
    return limitRemaining != null;
  }

  private static Double number(Object value) {
    return value instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null;
  }
}
