package dev.videohook.provider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One item of {@code GET /videos/models}: what a model accepts. The API is alpha, so every field is
 * optional: an absent list means "not said" (nothing is refused for it), while a field present and
 * null or empty means "not supported" where the provider documents it so ({@code seed}, {@code
 * supported_sizes}, {@code supported_frame_images}).
 *
 * @param durations seconds, empty when not said
 * @param sizes {@code WIDTHxHEIGHT} values; empty Optional when not said, an empty list when the
 *     model takes no size
 * @param frameImages {@code first_frame} / {@code last_frame}; empty Optional when not said
 * @param generateAudio true or false as published, null when not said
 * @param seed whether the model takes a seed; empty Optional when not said ({@code seed} is a
 *     boolean since late 2026, an object before; null, false or absent-while-listed mean no seed)
 * @param creativity the creativity levels an upscaling model takes; empty list when it takes none
 * @param upscaleFactor the upscale factors an upscaling model takes; empty when it takes none
 * @param huggingFaceId the model's Hugging Face id, or null
 * @param pricing USD amount per SKU, as published
 * @param raw the whole item, for fields this version does not model
 */
public record VideoModel(
    String id,
    String name,
    List<Integer> durations,
    List<String> resolutions,
    List<String> aspectRatios,
    Optional<List<String>> sizes,
    Optional<List<String>> frameImages,
    Boolean generateAudio,
    Optional<Boolean> seed,
    List<Integer> creativity,
    Optional<Range> upscaleFactor,
    String huggingFaceId,
    Map<String, String> pricing,
    Map<String, Object> raw) {

  /**
   * {@code upscale_factor}: {@code {min, max}}, either bound possibly null (not said).
   *
   * @param min the smallest factor, or null
   * @param max the largest factor, or null
   */
  public record Range(Double min, Double max) {
    public boolean contains(double value) {
      return (min == null || value >= min) && (max == null || value <= max);
    }

    @Override
    public String toString() {
      return number(min) + "-" + number(max);
    }

    private static String number(Double value) {
      return value == null
          ? "?"
          : value == Math.rint(value) ? String.valueOf(value.longValue()) : String.valueOf(value);
    }
  }

  /** Whether the model upscales a video ({@code upscale_factor} or {@code creativity} given). */
  public boolean isUpscaler() {
    return upscaleFactor.isPresent() || !creativity.isEmpty();
  }

  static VideoModel from(Map<String, Object> item) {
    return new VideoModel(
        text(item.get("id")),
        text(item.get("name")),
        integers(item.get("supported_durations")),
        strings(item.get("supported_resolutions")),
        strings(item.get("supported_aspect_ratios")),
        item.containsKey("supported_sizes")
            ? Optional.of(strings(item.get("supported_sizes")))
            : Optional.empty(),
        item.containsKey("supported_frame_images")
            ? Optional.of(strings(item.get("supported_frame_images")))
            : Optional.empty(),
        item.get("generate_audio") instanceof Boolean audio ? audio : null,
        item.containsKey("seed")
            ? Optional.of(item.get("seed") != null && !Boolean.FALSE.equals(item.get("seed")))
            : Optional.empty(),
        integers(item.get("creativity")),
        item.get("upscale_factor") instanceof Map<?, ?> range
            ? Optional.of(new Range(decimal(range.get("min")), decimal(range.get("max"))))
            : Optional.empty(),
        item.get("hugging_face_id") instanceof String hf ? hf : null,
        pricing(item.get("pricing_skus")),
        item);
  }

  private static String text(Object value) {
    return value == null ? null : String.valueOf(value);
  }

  private static List<String> strings(Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      list.stream().filter(v -> v != null).forEach(v -> out.add(String.valueOf(v)));
    }
    return List.copyOf(out);
  }

  private static List<Integer> integers(Object value) {
    List<Integer> out = new ArrayList<>();
    if (value instanceof List<?> list) {
      for (Object v : list) {
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
          out.add(n.intValue());
        }
      }
    }
    return List.copyOf(out);
  }

  private static Double decimal(Object value) {
    return value instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null;
  }

  private static Map<String, String> pricing(Object value) {
    Map<String, String> out = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> map) {
      map.forEach((sku, amount) -> out.put(String.valueOf(sku), String.valueOf(amount)));
    }
    return out;
  }
}
