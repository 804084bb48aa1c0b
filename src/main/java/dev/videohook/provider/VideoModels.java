package dev.videohook.provider;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The answer of {@code GET /videos/models}: the models, and the provider's JSON as it came.
 *
 * @param json the body, unchanged, for {@code videohook models --json}
 */
public record VideoModels(List<VideoModel> models, String json) {

  static VideoModels parse(String body) {
    Object tree;
    try {
      tree = JSON.std.anyFrom(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("the answer is not JSON");
    }
    if (!(tree instanceof Map<?, ?> map) || !(map.get("data") instanceof List<?> data)) {
      throw new IllegalArgumentException("the answer has no data list of models");
    }
    List<VideoModel> models = new ArrayList<>();
    for (Object item : data) {
      if (item instanceof Map<?, ?> fields && fields.get("id") != null) {
        @SuppressWarnings("unchecked")
        Map<String, Object> typed = (Map<String, Object>) fields;
        models.add(VideoModel.from(typed));
      }
    }
    return new VideoModels(List.copyOf(models), body);
  }

  public Optional<VideoModel> find(String id) {
    return models.stream().filter(m -> m.id().equals(id)).findFirst();
  }

  public List<String> ids() {
    return models.stream().map(VideoModel::id).toList();
  }
}
