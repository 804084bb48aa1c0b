package dev.videohook.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.provider.Provider;
import dev.videohook.testing.SharedMoto;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Item bounds are counted in UTF-8 bytes, where a character can take up to four. */
class TextBoundsTest {
  @Test
  void longPromptOfThreeByteCharacters_isKeptWithinItsByteBound_andTheJobIsRecorded() {
    JobStore jobs = new JobStore(SharedMoto.get().client(), SharedMoto.newJobTable());
    JobKey key = new JobKey("acme", Provider.OPENROUTER, "job_long_prompt");
    String prompt = "灯".repeat(200_000); // 600,000 bytes: more than an item may hold

    jobs.recordSubmitted(key, "m", prompt, Instant.now());

    String kept = jobs.find(key).orElseThrow().prompt();
    assertTrue(prompt.startsWith(kept));
    assertTrue(kept.getBytes(StandardCharsets.UTF_8).length <= TextBounds.MAX_PROMPT_BYTES);
    assertEquals(TextBounds.MAX_PROMPT_BYTES / 3, kept.length(), "whole characters only");
  }

  @Test
  void truncation_neverSplitsACharacter() {
    assertEquals("ab", TextBounds.truncateUtf8("ab😀", 5));
    assertEquals("ab😀", TextBounds.truncateUtf8("ab😀", 6));
    assertEquals("é", TextBounds.truncateUtf8("éé", 3));
  }
}
