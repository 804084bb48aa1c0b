package dev.videohook.provider;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A video generation job as {@code POST /videos} takes it. Optional fields left null are not sent;
 * {@code extraFields} pass through unchanged for parameters this version does not model.
 *
 * @param size {@code WIDTHxHEIGHT}, instead of resolution and aspect ratio
 * @param firstFrame URL of the image the video starts from
 * @param lastFrame URL of the image the video ends on
 */
public record SubmitRequest(
    String model,
    String prompt,
    Integer durationSeconds,
    String resolution,
    String aspectRatio,
    String size,
    Long seed,
    Boolean generateAudio,
    String firstFrame,
    String lastFrame,
    URI callbackUrl,
    Map<String, Object> extraFields) {

  public SubmitRequest {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(callbackUrl, "callbackUrl");
    extraFields = Map.copyOf(extraFields);
  }

  /** Without size, seed or frame images. */
  public SubmitRequest(
      String model,
      String prompt,
      Integer durationSeconds,
      String resolution,
      String aspectRatio,
      Boolean generateAudio,
      URI callbackUrl,
      Map<String, Object> extraFields) {
    this(
        model,
        prompt,
        durationSeconds,
        resolution,
        aspectRatio,
        null,
        null,
        generateAudio,
        null,
        null,
        callbackUrl,
        extraFields);
  }

  /** The JSON body: extra fields first, so that a modelled field always wins. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>(extraFields);
    json.put("model", model);
    json.put("prompt", prompt);
    putIfSet(json, "duration", durationSeconds);
    putIfSet(json, "resolution", resolution);
    putIfSet(json, "aspect_ratio", aspectRatio);
    putIfSet(json, "size", size);
    putIfSet(json, "seed", seed);
    putIfSet(json, "generate_audio", generateAudio);
    if (firstFrame != null || lastFrame != null) {
      List<Map<String, Object>> frames = new ArrayList<>();
      if (firstFrame != null) {
        frames.add(frame(firstFrame, "first_frame"));
      }
      if (lastFrame != null) {
        frames.add(frame(lastFrame, "last_frame"));
      }
      json.put("frame_images", frames);
    }
    json.put("callback_url", callbackUrl.toString());
    return json;
  }

  private static Map<String, Object> frame(String url, String frameType) {
    Map<String, Object> frame = new LinkedHashMap<>();
    frame.put("type", "image_url");
    frame.put("image_url", Map.of("url", url));
    frame.put("frame_type", frameType);
    return frame;
  }

  private static void putIfSet(Map<String, Object> json, String name, Object value) {
    if (value != null) {
      json.put(name, value);
    }
  }
}
