package dev.videohook.event;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * A webhook body as text: strict UTF-8, so that a malformed byte sequence is refused rather than
 * replaced, and no other encoding's bytes pass for an event.
 */
public final class Utf8Body {
  private Utf8Body() {}

  /** The body's text, or an invalid event when its bytes are not UTF-8. */
  public static String decode(byte[] body) throws InvalidEventException {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidEventException("body is not UTF-8");
    }
  }
}
