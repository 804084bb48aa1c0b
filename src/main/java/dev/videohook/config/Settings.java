package dev.videohook.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads settings from environment variables, collecting every problem so that one error names them
 * all. Use it to build a configuration record, then call {@link #check()}.
 */
public final class Settings {
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  public Settings(Map<String, String> env) {
    this.env = env;
  }

  public Optional<String> optional(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String required(String name, String meaning) {
    return optional(name)
        .orElseGet(
            () -> {
              problems.add(name + " is not set (" + meaning + ")");
              return "";
            });
  }

  public long positiveLong(String name, long defaultValue) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      long parsed = Long.parseLong(value.get());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    problems.add(name + " must be a positive whole number, got '" + value.get() + "'");
    return defaultValue;
  }

  public Duration seconds(String name, Duration defaultValue) {
    return Duration.ofSeconds(positiveLong(name, defaultValue.toSeconds()));
  }

  public Optional<URI> uri(String name) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(value.get());
      if (uri.getScheme() != null && uri.getHost() != null) {
        return Optional.of(uri);
      }
    } catch (URISyntaxException ignored) {
      // reported below
    }
    problems.add(
        name + " must be an absolute URL such as http://127.0.0.1:8000, got '" + value.get() + "'");
    return Optional.empty();
  }

  public boolean flag(String name) {
    return optional(name).map(v -> v.equalsIgnoreCase("true") || v.equals("1")).orElse(false);
  }

  /** Records a problem found by the caller. */
  public void problem(String message) {
    problems.add(message);
  }

  /**
   * @throws ConfigurationException naming every problem found so far
   */
  public void check() {
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }
}
