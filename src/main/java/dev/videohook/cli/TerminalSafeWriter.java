package dev.videohook.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * What the command line prints, with terminal control characters replaced by {@code ?}: ESC, BEL
 * and every other C0 control but tab and line breaks, DEL, and the C1 controls (U+0080 to U+009F).
 * Jobs hold text the provider chose (a model name, an error); printed as it came, an escape
 * sequence in it could rewrite the operator's screen, title or clipboard.
 */
final class TerminalSafeWriter extends FilterWriter {
  TerminalSafeWriter(Writer out) {
    super(out);
  }

  static boolean isControl(int c) {
    return (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || (c >= 0x7F && c <= 0x9F);
  }

  @Override
  public void write(int c) throws IOException {
    out.write(isControl(c) ? '?' : c);
  }

  @Override
  public void write(char[] buffer, int offset, int length) throws IOException {
    char[] safe = new char[length];
    for (int i = 0; i < length; i++) {
      char c = buffer[offset + i];
      safe[i] = isControl(c) ? '?' : c;
    }
    out.write(safe, 0, length);
  }

  @Override
  public void write(String text, int offset, int length) throws IOException {
    write(text.toCharArray(), offset, length);
  }
}
