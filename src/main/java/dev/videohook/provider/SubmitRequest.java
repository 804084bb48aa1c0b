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
 * @param prompt what to generate; null for a model that works from images (or a video) alone
 * @param size {@code WIDTHxHEIGHT}, instead of resolution and aspect ratio
 * @param firstFrame URL of the image the video starts from
 * @param lastFrame URL of the image the video ends on
 * @param more the fields published since the first version ({@link More#NONE} when none)
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
    Map<String, Object> extraFields,
    More more) {

  /**
   * The request fields for upscaling models, references and continuations ({@code creativity},
   * {@code upscale_factor}, {@code input_references}, {@code previous_job_id}) and for the
   * provider's observability ({@code session_id}, {@code user}); each null (or empty) when not
   * sent.
   */
  public record More(
      Integer creativity,
      Double upscaleFactor,
      List<InputReference> inputReferences,
      String previousJobId,
      String sessionId,
      String user) {
    public static final More NONE = new More(null, null, List.of(), null, null, null);

    public More {
      inputReferences = List.copyOf(inputReferences);
    }
  }

  public SubmitRequest {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(callbackUrl, "callbackUrl");
    extraFields = Map.copyOf(extraFields);
    Objects.requireNonNull(more, "more");
  }

  /** Without the fields published since the first version. */
  public SubmitRequest(
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
    this(
        model,
        prompt,
        durationSeconds,
        resolution,
        aspectRatio,
        size,
        seed,
        generateAudio,
        firstFrame,
        lastFrame,
        callbackUrl,
        extraFields,
        More.NONE);
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
    putIfSet(json, "prompt", prompt);
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
    putIfSet(json, "creativity", more.creativity());
    putIfSet(json, "upscale_factor", more.upscaleFactor());
    if (!more.inputReferences().isEmpty()) {
      json.put(
          "input_references", more.inputReferences().stream().map(InputReference::toJson).toList());
    }
    putIfSet(json, "previous_job_id", more.previousJobId());
    putIfSet(json, "session_id", more.sessionId());
    putIfSet(json, "user", more.user());
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
