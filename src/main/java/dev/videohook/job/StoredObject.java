package dev.videohook.job;

import java.util.Arrays;
import java.util.Optional;

/**
 * One video as stored in S3.
 *
 * @param sha256 lower-case hex SHA-256 of the stored bytes, computed while streaming
 * @param source where its bytes came from, or null when not recorded (a job stored before this was
 *     kept, or read from an index, which does not hold it)
 */
public record StoredObject(
    String key, long size, String sha256, String contentType, Source source) {

  /** An object whose source is not recorded. */
  public StoredObject(String key, long size, String sha256, String contentType) {
    this(key, size, sha256, contentType, null);
  }

  /** The same object, fetched from {@code source}. */
  public StoredObject from(Source source) {
    return new StoredObject(key, size, sha256, contentType, source);
  }

  /** The kinds of source a video is fetched from, as the job item names them. */
  public enum Source {
    /** An entry of the provider's {@code unsigned_urls} (its content proxy, usually). */
    UNSIGNED_URL("unsigned_url"),
    /** The provider's content endpoint, {@code /videos/{id}/content?index=N}, with the API key. */
    CONTENT_ENDPOINT("content_endpoint"),
    /**
     * The provider's signed storage URL ({@code urls[N]}), without the API key: the fallback when
     * the first source failed.
     */
    SIGNED_URL("signed_url");

    private final String value;

    Source(String value) {
      this.value = value;
    }

    public String value() {
      return value;
    }

    public static Optional<Source> fromValue(String value) {
      return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst();
    }
  }
}
