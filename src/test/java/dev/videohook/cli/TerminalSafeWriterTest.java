package dev.videohook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What reaches the terminal of text the provider chose: nothing that moves or reorders a line. */
class TerminalSafeWriterTest {

  private static String printed(String... writes) throws IOException {
    StringWriter terminal = new StringWriter();
    TerminalSafeWriter writer = new TerminalSafeWriter(terminal);
    for (String write : writes) {
      writer.write(write);
    }
    writer.flush();
    return terminal.toString();
  }

  @Test
  void carriageReturn_isReplaced_soTheTextAfterItCannotOverwriteTheLine() throws IOException {
    assertEquals("job_1  stored  ?job_1  failed", printed("job_1  stored  \rjob_1  failed"));
  }

  @Test
  void carriageReturnAtTheEndOfTheText_isReplaced() throws IOException {
    assertEquals("model?", printed("model\r"));
  }

  @Test
  void crlf_isKeptAsALineBreak_evenSplitOverTwoWrites() throws IOException {
    assertEquals("a\r\nb\r\n", printed("a\r\nb\r", "\n"));
  }

  @ParameterizedTest(name = "U+{0}")
  @ValueSource(
      strings = {
        "202E", // right-to-left override
        "202D", // left-to-right override
        "202A", // left-to-right embedding
        "202B", // right-to-left embedding
        "202C", // pop directional formatting
        "2066", // left-to-right isolate
        "2067", // right-to-left isolate
        "2068", // first strong isolate
        "2069", // pop directional isolate
        "200E", // left-to-right mark
        "200F", // right-to-left mark
        "061C", // Arabic letter mark
        "200B", // zero-width space
        "2060", // word joiner
        "FEFF", // zero-width no-break space (byte order mark)
        "00AD", // soft hyphen
        "E0041", // tag latin capital letter A (hidden text)
        "2028", // line separator
        "2029" // paragraph separator
      })
  void formatCharacterOrLineSeparator_isReplaced(String hex) throws IOException {
    String character = Character.toString(Integer.parseInt(hex, 16));

    assertEquals("evil?model", printed("evil" + character + "model"));
  }

  @Test
  void rightToLeftOverride_cannotReorderTheRestOfTheLine() throws IOException {
    // shown as "failed  4mp.eno" on a terminal that honours the override
    assertEquals("stored  ?ono.mp4  failed", printed("stored  \u202Eono.mp4  failed"));
  }

  @Test
  void earlierControlCharacters_areStillReplaced() throws IOException {
    assertEquals("evil?]0;owned??31m?", printed("evil\u001b]0;owned\u0007\u009b31m\u007f"));
  }

  @Test
  void textOfEveryScript_emojiAndJoiners_arePrintedAsTheyAre() throws IOException {
    String text =
        "café 東京 Ελληνικά עברית العربية می\u200Cخواهم"
            + " \uD83D\uDC69\u200D\uD83D\uDCBB e\u0301\ttab\nnext";

    assertEquals(text, printed(text));
  }

  @Test
  void surrogatePairSplitOverTwoWrites_isKept() throws IOException {
    assertEquals("\uD83C\uDFAC clip", printed("\uD83C", "\uDFAC clip"));
  }

  @Test
  void unpairedSurrogates_areReplaced() throws IOException {
    assertEquals("a?b?c?", printed("a\uD800b\uDC00c\uD83D"));
  }
}
