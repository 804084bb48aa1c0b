package dev.videohook.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Item bounds are counted in UTF-8 bytes, where a character can take up to four (a prompt cut to
 * its bound: {@code
 * JobStoreContract#recordSubmitted_shouldMakeAPendingJob_withItsPromptCutToItsBound}).
 */
class TextBoundsTest {
  @Test
  void truncation_neverSplitsACharacter() {
    assertEquals("ab", TextBounds.truncateUtf8("ab😀", 5));
    assertEquals("ab😀", TextBounds.truncateUtf8("ab😀", 6));
    assertEquals("é", TextBounds.truncateUtf8("éé", 3));
  }
}
