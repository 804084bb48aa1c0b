package dev.videohook.job;

/**
 * How much free text a job item keeps, counted in UTF-8 bytes as DynamoDB counts an item against
 * its 400 KB (a character can take up to four), and the one way to cut a text to a bound.
 */
final class TextBounds {
  /** Bytes of a stored reason ({@code error}, the reconciler's last outcome). */
  static final int MAX_REASON_BYTES = 1000;

  /**
   * Bytes of the prompt kept on a job item: with the largest raw event a webhook may bring (256
   * KiB) and every other field at its bound, the item stays under DynamoDB's 400 KB.
   */
  static final int MAX_PROMPT_BYTES = 16 * 1024;

  private TextBounds() {}

  /** The longest prefix of {@code text} of at most {@code maxBytes} in UTF-8, whole characters. */
  static String truncateUtf8(String text, int maxBytes) {
    int used = 0;
    int end = 0;
    while (end < text.length()) {
      int codePoint = text.codePointAt(end);
      int bytes = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
      if (used + bytes > maxBytes) {
        return text.substring(0, end);
      }
      used += bytes;
      end += Character.charCount(codePoint);
    }
    return text;
  }
}
