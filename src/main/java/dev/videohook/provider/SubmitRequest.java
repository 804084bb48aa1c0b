package dev.videohook.provider;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A video generation job as {@code POST /videos} takes it. Optional fields left null are not sent;
 * {@code extraFields} pass through unchanged for parameters this version does not model.
 */
public record SubmitRequest(
    String model,
    String prompt,
    Integer durationSeconds,
    String resolution,
    String aspectRatio,
    Boolean generateAudio,
    URI callbackUrl,
    Map<String, Object> extraFields) {

  public SubmitRequest {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(callbackUrl, "callbackUrl");
    extraFields = Map.copyOf(extraFields);
  }

  /** The JSON body: extra fields first, so that a modelled field always wins. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>(extraFields);
    json.put("model", model);
    json.put("prompt", prompt);
    putIfSet(json, "duration", durationSeconds);
    putIfSet(json, "resolution", resolution);
    putIfSet(json, "aspect_ratio", aspectRatio);
    putIfSet(json, "generate_audio", generateAudio);
    json.put("callback_url", callbackUrl.toString());
    return json;
  }

  private static void putIfSet(Map<String, Object> json, String name, Object value) {
    if (value != null) {
      json.put(name, value);
    }
  }
}
