package dev.videohook.notify;

import dev.videohook.config.Settings;
import dev.videohook.config.SharedConfig;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The notify function's settings, read once at init.
 *
 * @param shared the region (the jobs table is not read: the stream's images carry the job)
 * @param busName {@code EVENT_BUS_NAME}, the bus the stack creates
 */
public record NotifyConfig(SharedConfig shared, String busName) {
  public static final String EVENT_BUS_NAME = "EVENT_BUS_NAME";

  /** Every variable the notify function reads. */
  public static final Set<String> ENVIRONMENT = environment();

  /**
   * @throws dev.videohook.config.ConfigurationException naming every missing or invalid setting
   */
  public static NotifyConfig fromEnvironment(Map<String, String> env) {
    Settings settings = new Settings(env);
    SharedConfig shared = SharedConfig.read(settings);
    String bus = settings.required(EVENT_BUS_NAME, "the EventBridge bus downstream events go to");
    settings.check();
    return new NotifyConfig(shared, bus);
  }

  private static Set<String> environment() {
    Set<String> names = new HashSet<>(SharedConfig.ENVIRONMENT);
    names.add(EVENT_BUS_NAME);
    return Set.copyOf(names);
  }
}
