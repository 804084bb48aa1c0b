package dev.videohook.event;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The lenient half of parsing: values that only inform ({@code created_at}, {@code data.model},
 * {@code data.generation_id}, {@code data.error}, {@code data.usage}) never refuse an event, so a
 * provider's drift in them cannot lose a video. What fits is kept; a value of another type is
 * stringified (text) or dropped (usage); each change is added to the event's adjustments, and the
 * raw body keeps the original.
 */
final class InformationalFields {
  private InformationalFields() {}

  /**
   * An informational text field: a string is kept (cut to {@code max}), any other value is
   * stringified as JSON; never a reason to refuse the event.
   */
  static String text(Object value, String path, int max, List<String> adjustments) {
    if (value == null) {
      return null;
    }
    String text;
    if (value instanceof String string) {
      text = string;
    } else {
      try {
        text = JSON.std.asString(value);
        adjustments.add(path + " stringified: not a string");
      } catch (IOException | RuntimeException e) {
        adjustments.add(path + " dropped: not a string");
        return null;
      }
    }
    String clean = StorableText.clean(text, max);
    if (!clean.equals(text)) {
      adjustments.add(path + " shortened or cleaned to fit");
    }
    return clean;
  }

  /**
   * {@code data.usage.cost}: a number DynamoDB can hold, with trailing zeros stripped; dropped (and
   * listed) when it is not a number or outside DynamoDB's range or precision.
   */
  static BigDecimal cost(Object node, List<String> adjustments) {
    if (node == null) {
      return null;
    }
    if (!(node instanceof Number number)) {
      adjustments.add("data.usage.cost dropped: not a number");
      return null;
    }
    BigDecimal value = new BigDecimal(number.toString());
    if (!StorageLimits.fitsDynamoDb(value)) {
      adjustments.add("data.usage.cost dropped: outside DynamoDB's number range or precision");
      return null;
    }
    return value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
  }

  /** {@code data.usage.is_byok}: a boolean, else dropped (and listed). */
  static Boolean byok(Object node, List<String> adjustments) {
    if (node instanceof Boolean flag) {
      return flag;
    }
    if (node != null) {
      adjustments.add("data.usage.is_byok dropped: not a boolean");
    }
    return null;
  }

  /**
   * The latest Unix time accepted as {@code data.expires_at}: the year 5138, far past any real
   * expiry and inside what {@link Instant} and DynamoDB hold.
   */
  static final long MAX_EXPIRES_AT = 100_000_000_000L;

  /**
   * {@code data.expires_at}: Unix seconds when the provider's stored copy of the outputs stops
   * being available; dropped (and listed) when it is not a whole positive number of seconds in
   * range. A missing expiry is only a deadline the downloader does not know.
   */
  static Instant expiresAt(Object node, List<String> adjustments) {
    if (node == null) {
      return null;
    }
    if (!(node instanceof Number number)) {
      adjustments.add("data.expires_at dropped: not a number");
      return null;
    }
    BigDecimal seconds = new BigDecimal(number.toString());
    if (seconds.signum() <= 0
        || seconds.compareTo(BigDecimal.valueOf(MAX_EXPIRES_AT)) > 0
        || seconds.stripTrailingZeros().scale() > 0) {
      adjustments.add("data.expires_at dropped: not whole seconds of a time in range");
      return null;
    }
    return Instant.ofEpochSecond(seconds.longValueExact());
  }

  /**
   * {@code data.urls}, the signed storage URLs: only a fallback for when the content proxy fails,
   * so a list that is not what it should be is dropped whole (and listed), never a reason to refuse
   * the event.
   */
  static List<String> signedUrls(Object node, List<String> adjustments) {
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof List<?> list) || list.size() > StorageLimits.MAX_URLS) {
      adjustments.add("data.urls dropped: not an array of at most " + StorageLimits.MAX_URLS);
      return List.of();
    }
    List<String> urls = new ArrayList<>(list.size());
    for (Object url : list) {
      if (!(url instanceof String text)
          || text.isBlank()
          || text.length() > StorageLimits.MAX_URL_LENGTH
          || !text.equals(StorableText.clean(text, StorageLimits.MAX_URL_LENGTH))
          || !isUri(text)) {
        adjustments.add("data.urls dropped: an entry is not a URL that fits");
        return List.of();
      }
      urls.add(text);
    }
    return urls;
  }

  private static boolean isUri(String text) {
    try {
      return new URI(text).isAbsolute();
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
