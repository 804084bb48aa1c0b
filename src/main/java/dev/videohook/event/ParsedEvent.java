package dev.videohook.event;

/**
 * What a validly signed body turned out to be: a terminal event of a known type ({@link
 * VideoEvent}), or an event of a type this version does not know ({@link UnknownEvent}), kept raw
 * for audit.
 */
public sealed interface ParsedEvent permits VideoEvent, UnknownEvent {}
