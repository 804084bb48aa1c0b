package dev.videohook.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * What the command line prints, with every character that could change how a line is shown replaced
 * by {@code ?}. Jobs hold text the provider chose (a model name, an error); printed as it came, an
 * escape sequence in it could rewrite the operator's screen, title or clipboard, a carriage return
 * could send the cursor back to overwrite what {@code status}, {@code jobs} or {@code costs}
 * printed before it on the line, and a bidi override (U+202E) could show the line's text in another
 * order than it has.
 *
 * <p>Replaced: ESC, BEL and every other C0 control but tab and line feed; a carriage return that is
 * not part of a CRLF line break; DEL and the C1 controls (U+0080 to U+009F); the line and paragraph
 * separators (U+2028, U+2029); every Unicode format character (category Cf: bidi embeddings,
 * overrides, isolates and marks, zero-width space, word joiner, byte order mark, tag characters...)
 * but the zero-width non-joiner and joiner (U+200C, U+200D), which shape Persian and Indic words
 * and join emoji and move nothing; and unpaired surrogates. Everything else, letters of every
 * script (right-to-left ones included), emoji and combining marks, is printed as it is.
 *
 * <p>A CRLF or a surrogate pair may arrive split over two writes: its first half waits for the next
 * character (or for {@link #flush}, which settles it alone).
 */
final class TerminalSafeWriter extends FilterWriter {
  private static final char NONE = 0;

  /** A carriage return waiting to learn whether a line feed follows it. */
  private boolean pendingCarriageReturn;

  /** A high surrogate waiting for its low half; {@link #NONE} when there is none. */
  private char pendingHighSurrogate = NONE;

  TerminalSafeWriter(Writer out) {
    super(out);
  }

  /**
   * True for a code point that is never printed as it is (a carriage return is judged with the
   * character after it, by the writer).
   */
  static boolean isUnsafe(int codePoint) {
    if (codePoint == '\n' || codePoint == '\t') {
      return false;
    }
    if (codePoint < 0x20 || (codePoint >= 0x7F && codePoint <= 0x9F)) {
      return true;
    }
    if (codePoint == 0x2028 || codePoint == 0x2029) {
      return true;
    }
    return Character.getType(codePoint) == Character.FORMAT
        && codePoint != 0x200C
        && codePoint != 0x200D;
  }

  @Override
  public void write(int c) throws IOException {
    write(new char[] {(char) c}, 0, 1);
  }

  @Override
  public void write(char[] buffer, int offset, int length) throws IOException {
    StringBuilder safe = new StringBuilder(length + 2);
    for (int i = 0; i < length; i++) {
      accept(buffer[offset + i], safe);
    }
    out.write(safe.toString());
  }

  @Override
  public void write(String text, int offset, int length) throws IOException {
    write(text.toCharArray(), offset, length);
  }

  @Override
  public void flush() throws IOException {
    out.write(settlePending());
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.write(settlePending());
    out.close();
  }

  private void accept(char c, StringBuilder safe) {
    if (pendingHighSurrogate != NONE) {
      char high = pendingHighSurrogate;
      pendingHighSurrogate = NONE;
      if (Character.isLowSurrogate(c)) {
        int codePoint = Character.toCodePoint(high, c);
        if (isUnsafe(codePoint)) {
          safe.append('?');
        } else {
          safe.append(high).append(c);
        }
        return;
      }
      safe.append('?');
    }
    if (pendingCarriageReturn) {
      pendingCarriageReturn = false;
      if (c == '\n') {
        safe.append("\r\n");
        return;
      }
      safe.append('?');
    }
    if (c == '\r') {
      pendingCarriageReturn = true;
    } else if (Character.isHighSurrogate(c)) {
      pendingHighSurrogate = c;
    } else if (Character.isLowSurrogate(c)) {
      safe.append('?');
    } else {
      safe.append(isUnsafe(c) ? '?' : c);
    }
  }

  /** What a pending half becomes when nothing follows it: alone, it is replaced. */
  private String settlePending() {
    String settled = (pendingHighSurrogate != NONE ? "?" : "") + (pendingCarriageReturn ? "?" : "");
    pendingHighSurrogate = NONE;
    pendingCarriageReturn = false;
    return settled;
  }
}
