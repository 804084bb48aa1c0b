package dev.videohook.job;

import java.math.BigDecimal;

/**
 * What the provider reported a job cost ({@code data.usage}).
 *
 * @param cost {@code usage.cost}, or null when not reported
 * @param byok {@code usage.is_byok} (bring your own key), or null when not reported
 */
public record Usage(BigDecimal cost, Boolean byok) {
  public static final Usage NONE = new Usage(null, null);
}
