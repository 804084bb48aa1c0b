package dev.videohook.provider;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One item of the request's {@code input_references}: an image, audio or video that guides the
 * generation ({@code {"type": "image_url", "image_url": {"url": ...}}} and its audio and video
 * twins). Image references work with every model; audio and video only where the model takes them.
 */
public record InputReference(Kind kind, String url) {
  /** The reference's {@code type}, which also names the object that holds its URL. */
  public enum Kind {
    IMAGE("image_url"),
    AUDIO("audio_url"),
    VIDEO("video_url");

    private final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    /** {@code image}, {@code audio} or {@code video}, as typed after {@code --input-reference}. */
    public static Optional<Kind> named(String name) {
      return Arrays.stream(values())
          .filter(k -> k.name().toLowerCase(Locale.ROOT).equals(name))
          .findFirst();
    }
  }

  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("type", kind.wireName());
    json.put(kind.wireName(), Map.of("url", url));
    return json;
  }
}
