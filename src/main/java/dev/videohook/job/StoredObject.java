package dev.videohook.job;

/**
 * One video as stored in S3.
 *
 * @param sha256 lower-case hex SHA-256 of the stored bytes, computed while streaming
 */
public record StoredObject(String key, long size, String sha256, String contentType) {}
