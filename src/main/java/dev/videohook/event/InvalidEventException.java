package dev.videohook.event;

/** A signed body that is not a valid event envelope. The message says what is wrong with it. */
public final class InvalidEventException extends Exception {
  public InvalidEventException(String message) {
    super(message);
  }
}
