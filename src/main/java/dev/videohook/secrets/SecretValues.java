package dev.videohook.secrets;

import dev.videohook.config.ConfigurationException;
import dev.videohook.config.Settings;
import java.util.Map;
import java.util.Optional;

/**
 * The rule for every key and signing secret, wherever it is loaded from: surrounding whitespace is
 * trimmed (a trailing newline from {@code jq --rawfile} or an editor), and what remains must be
 * printable ASCII with no whitespace inside, so it can travel in an HTTP header. An invalid value
 * is reported by the name of its setting, never by its value.
 */
public final class SecretValues {
  private SecretValues() {}

  /** True when {@code value} is non-empty printable ASCII without whitespace (0x21 to 0x7E). */
  public static boolean isValid(String value) {
    if (value == null || value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /**
   * The value of {@code setting}, trimmed; empty when it is unset or blank.
   *
   * @throws ConfigurationException naming {@code setting} when the trimmed value is not valid
   */
  public static Optional<String> clean(String setting, String raw) {
    Settings settings = new Settings(Map.of());
    Optional<String> value = read(settings, setting, raw);
    settings.check();
    return value;
  }

  /**
   * The value of {@code setting}, trimmed; empty when it is unset or blank, or when it is not
   * valid, which is then recorded in {@code settings} (without the value).
   */
  public static Optional<String> read(Settings settings, String setting, String raw) {
    Optional<String> value = trimmed(raw);
    if (value.isPresent() && !isValid(value.get())) {
      settings.problem(problem(setting));
      return Optional.empty();
    }
    return value;
  }

  /** The value trimmed (of whitespace and control characters); empty when unset or blank. */
  public static Optional<String> trimmed(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String value = raw.strip().trim();
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  /** What is wrong with an invalid value of {@code setting}, without the value. */
  public static String problem(String setting) {
    return setting
        + " holds characters a key cannot have (only printable ASCII, no spaces or line breaks"
        + " inside): set it again; its value is not shown";
  }
}
