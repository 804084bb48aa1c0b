package dev.videohook.event;

/**
 * Text made storable: at most a given number of characters, no unpaired surrogate. DynamoDB and the
 * JSON written downstream refuse or mangle a lone surrogate, and a cut may split a pair, so every
 * text kept from an event passes here first; a URL that this would change is refused instead.
 */
final class StorableText {
  private StorableText() {}

  /**
   * The text cut to {@code max} characters (never between the halves of a pair), with each unpaired
   * surrogate replaced by U+FFFD; the same instance when nothing needed changing.
   */
  static String clean(String text, int max) {
    int end = Math.min(text.length(), max);
    if (end > 0 && end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    StringBuilder out = null;
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              ? i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1))
              : !Character.isLowSurrogate(c)
                  || (i > 0 && Character.isHighSurrogate(text.charAt(i - 1)));
      if (!paired && out == null) {
        out = new StringBuilder(end).append(text, 0, i);
      }
      if (out != null) {
        out.append(paired ? c : '\uFFFD');
      }
    }
    return out != null ? out.toString() : end == text.length() ? text : text.substring(0, end);
  }
}
