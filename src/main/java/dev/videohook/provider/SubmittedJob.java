package dev.videohook.provider;

/** What the provider answers to a submit: {@code id}, {@code polling_url}, {@code status}. */
public record SubmittedJob(String id, String pollingUrl, String status) {}
