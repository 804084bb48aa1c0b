package dev.videohook.provider;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a {@code POST /videos} body before it is sent, so a value the provider would refuse costs
 * no round trip and no credits: first against the published request schema (enums, integers, {@code
 * WIDTHxHEIGHT}), then against what the chosen model says it supports ({@code GET /videos/models}).
 * Each refusal names the body field and the values that would be accepted.
 */
public final class RequestCheck {
  /** {@code resolution} as the request schema enumerates it. */
  public static final List<String> RESOLUTIONS =
      List.of("360p", "480p", "720p", "768p", "1080p", "1K", "2K", "4K");

  /** {@code aspect_ratio} as the request schema enumerates it. */
  public static final List<String> ASPECT_RATIOS =
      List.of("16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9", "9:21");

  /** {@code frame_images[].frame_type} as the request schema enumerates it. */
  public static final List<String> FRAME_TYPES = List.of("first_frame", "last_frame");

  private static final Pattern SIZE = Pattern.compile("[1-9][0-9]{0,5}x[1-9][0-9]{0,5}");

  /**
   * One value that would be refused.
   *
   * @param field the body field ({@code duration}, {@code aspect_ratio}, ...), or the frame type
   *     ({@code first_frame}, {@code last_frame}) for a frame image
   * @param value the value as given
   * @param problem what is wrong and what is accepted
   */
  public record Refusal(String field, String value, String problem) {}

  private RequestCheck() {}

  /** The body against the request schema. */
  public static List<Refusal> againstSchema(Map<String, Object> body) {
    List<Refusal> refusals = new ArrayList<>();
    Object duration = body.get("duration");
    if (duration != null && (integer(duration).isEmpty() || integer(duration).get() < 1)) {
      refusals.add(refusal("duration", duration, "must be a whole number of seconds, at least 1"));
    }
    oneOf(body, "resolution", RESOLUTIONS, refusals);
    oneOf(body, "aspect_ratio", ASPECT_RATIOS, refusals);
    Object size = body.get("size");
    if (size != null) {
      if (!(size instanceof String text) || !SIZE.matcher(text).matches()) {
        refusals.add(refusal("size", size, "must be WIDTHxHEIGHT in pixels, e.g. 1280x720"));
      } else if (body.get("resolution") != null || body.get("aspect_ratio") != null) {
        refusals.add(
            refusal("size", size, "replaces resolution and aspect ratio: give one or the other"));
      }
    }
    Object seed = body.get("seed");
    if (seed != null && integer(seed).isEmpty()) {
      refusals.add(refusal("seed", seed, "must be a whole number"));
    }
    Object audio = body.get("generate_audio");
    if (audio != null && !(audio instanceof Boolean)) {
      refusals.add(refusal("generate_audio", audio, "must be true or false"));
    }
    Object frames = body.get("frame_images");
    if (frames != null) {
      if (!(frames instanceof List<?> list)) {
        refusals.add(refusal("frame_images", frames, "must be a list of frame images"));
      } else {
        list.forEach(frame -> checkFrame(frame, refusals));
      }
    }
    Object creativity = body.get("creativity");
    if (creativity != null && integer(creativity).isEmpty()) {
      refusals.add(refusal("creativity", creativity, "must be a whole number"));
    }
    Object factor = body.get("upscale_factor");
    if (factor != null
        && !(factor instanceof Number n
            && Double.isFinite(n.doubleValue())
            && n.doubleValue() > 0)) {
      refusals.add(refusal("upscale_factor", factor, "must be a number greater than 0"));
    }
    Object references = body.get("input_references");
    if (references != null) {
      if (!(references instanceof List<?> list)) {
        refusals.add(refusal("input_references", references, "must be a list of references"));
      } else {
        list.forEach(reference -> checkReference(reference, refusals));
      }
    }
    for (String field : List.of("previous_job_id", "session_id", "user")) {
      Object value = body.get(field);
      if (value != null && (!(value instanceof String text) || text.isBlank())) {
        refusals.add(refusal(field, value, "must be a non-empty string"));
      }
    }
    if (body.get("session_id") instanceof String session && session.length() > 256) {
      refusals.add(refusal("session_id", session, "must be at most 256 characters"));
    }
    if (body.get("prompt") == null && !worksFromImages(body)) {
      refusals.add(
          refusal(
              "prompt",
              "",
              "is required, unless the model works from images alone and one is given"
                  + " (a frame image, an input reference or a previous job)"));
    }
    return refusals;
  }

  /** Whether the body gives what a model without a prompt works from: an image, a video, a job. */
  private static boolean worksFromImages(Map<String, Object> body) {
    return body.get("frame_images") instanceof List<?> frames && !frames.isEmpty()
        || body.get("input_references") instanceof List<?> refs && !refs.isEmpty()
        || body.get("previous_job_id") != null;
  }

  private static void checkReference(Object reference, List<Refusal> refusals) {
    if (reference instanceof Map<?, ?> fields
        && fields.get("type") instanceof String type
        && InputReferenceTypes.ALL.contains(type)
        && fields.get(type) instanceof Map<?, ?> holder
        && holder.get("url") instanceof String url
        && mediaUrl(url)) {
      return;
    }
    refusals.add(
        refusal(
            "input_references",
            reference,
            "each needs a type (image_url, audio_url or video_url) and an https:// or data: URL"));
  }

  /** The reference types, from {@link InputReference.Kind}. */
  private static final class InputReferenceTypes {
    static final List<String> ALL =
        java.util.Arrays.stream(InputReference.Kind.values())
            .map(InputReference.Kind::wireName)
            .toList();
  }

  /** The body against the chosen model ({@code model}) among the provider's models. */
  public static List<Refusal> againstModel(Map<String, Object> body, VideoModels models) {
    String id = String.valueOf(body.get("model"));
    Optional<VideoModel> found = models.find(id);
    if (found.isEmpty()) {
      return List.of(
          new Refusal(
              "model", id, "is not one of the provider's video models: " + join(models.ids())));
    }
    VideoModel model = found.get();
    List<Refusal> refusals = new ArrayList<>();
    Object duration = body.get("duration");
    if (duration != null
        && !model.durations().isEmpty()
        && !model.durations().contains(integer(duration).orElse(0L).intValue())) {
      refusals.add(refusal("duration", duration, supports(model, model.durations())));
    }
    supported(body, "resolution", model, model.resolutions(), refusals);
    supported(body, "aspect_ratio", model, model.aspectRatios(), refusals);
    Object size = body.get("size");
    if (size != null && model.sizes().isPresent()) {
      List<String> sizes = model.sizes().get();
      if (sizes.isEmpty()) {
        refusals.add(
            refusal("size", size, id + " takes no size: choose a resolution and an aspect ratio"));
      } else if (!sizes.contains(String.valueOf(size))) {
        refusals.add(refusal("size", size, supports(model, sizes)));
      }
    }
    if (body.get("seed") != null && model.seed().equals(Optional.of(false))) {
      refusals.add(refusal("seed", body.get("seed"), id + " takes no seed"));
    }
    if (Boolean.TRUE.equals(body.get("generate_audio"))
        && Boolean.FALSE.equals(model.generateAudio())) {
      refusals.add(refusal("generate_audio", true, id + " does not generate audio"));
    }
    Object creativity = body.get("creativity");
    if (creativity != null) {
      Optional<Long> level = integer(creativity);
      if (model.creativity().isEmpty()) {
        refusals.add(refusal("creativity", creativity, id + " takes no creativity level"));
      } else if (level.isPresent() && !model.creativity().contains(level.get().intValue())) {
        refusals.add(refusal("creativity", creativity, supports(model, model.creativity())));
      }
    }
    if (body.get("upscale_factor") instanceof Number factor) {
      if (model.upscaleFactor().isEmpty()) {
        refusals.add(refusal("upscale_factor", factor, id + " takes no upscale factor"));
      } else if (!model.upscaleFactor().get().contains(factor.doubleValue())) {
        refusals.add(
            refusal(
                "upscale_factor",
                factor,
                id + " takes an upscale factor within " + model.upscaleFactor().get()));
      }
    }
    if (body.get("frame_images") instanceof List<?> frames && model.frameImages().isPresent()) {
      List<String> allowed = model.frameImages().get();
      for (Object frame : frames) {
        if (frame instanceof Map<?, ?> fields
            && fields.get("frame_type") instanceof String type
            && !allowed.contains(type)) {
          refusals.add(
              refusal(
                  type,
                  url(fields).orElse(""),
                  allowed.isEmpty()
                      ? id + " takes no frame images"
                      : id + " takes only " + join(allowed)));
        }
      }
    }
    return refusals;
  }

  private static void checkFrame(Object frame, List<Refusal> refusals) {
    if (!(frame instanceof Map<?, ?> fields)
        || !(fields.get("frame_type") instanceof String type)
        || !FRAME_TYPES.contains(type)) {
      refusals.add(
          refusal("frame_images", frame, "each needs a frame_type, one of " + join(FRAME_TYPES)));
      return;
    }
    Optional<String> url = url(fields);
    if (url.isEmpty() || !imageUrl(url.get())) {
      refusals.add(
          refusal(type, url.orElse(""), "must be an image URL (https://..., or a data: URL)"));
    }
  }

  private static Optional<String> url(Map<?, ?> frame) {
    return frame.get("image_url") instanceof Map<?, ?> image && image.get("url") instanceof String u
        ? Optional.of(u)
        : Optional.empty();
  }

  private static boolean mediaUrl(String text) {
    return text.startsWith("data:") || imageUrl(text);
  }

  private static boolean imageUrl(String text) {
    if (text.startsWith("data:image/")) {
      return true;
    }
    try {
      URI uri = URI.create(text);
      return uri.getHost() != null
          && ("https".equalsIgnoreCase(uri.getScheme())
              || "http".equalsIgnoreCase(uri.getScheme()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void oneOf(
      Map<String, Object> body, String field, List<String> allowed, List<Refusal> refusals) {
    Object value = body.get(field);
    if (value != null && !allowed.contains(String.valueOf(value))) {
      refusals.add(refusal(field, value, "must be one of " + join(allowed)));
    }
  }

  private static void supported(
      Map<String, Object> body,
      String field,
      VideoModel model,
      List<String> allowed,
      List<Refusal> refusals) {
    Object value = body.get(field);
    if (value != null && !allowed.isEmpty() && !allowed.contains(String.valueOf(value))) {
      refusals.add(refusal(field, value, supports(model, allowed)));
    }
  }

  private static String supports(VideoModel model, List<?> allowed) {
    return model.id() + " supports " + join(allowed);
  }

  private static Optional<Long> integer(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return Optional.of(((Number) value).longValue());
    }
    if (value instanceof java.math.BigInteger big && big.bitLength() < 64) {
      return Optional.of(big.longValue());
    }
    return Optional.empty();
  }

  private static Refusal refusal(String field, Object value, String problem) {
    return new Refusal(field, String.valueOf(value), problem);
  }

  private static String join(List<?> values) {
    return String.join(", ", values.stream().map(String::valueOf).toList());
  }
}
