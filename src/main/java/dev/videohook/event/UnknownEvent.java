package dev.videohook.event;

/**
 * A well-formed envelope whose {@code type} this version does not know: accepted and kept raw, so
 * that new event types do not break the receiver and nothing is silently dropped.
 *
 * @param type {@code type} as sent, at most {@link VideoEvent#MAX_TEXT_LENGTH} characters
 * @param jobId {@code data.id} when it is a valid job id, else null
 */
public record UnknownEvent(String type, String jobId) implements ParsedEvent {}
