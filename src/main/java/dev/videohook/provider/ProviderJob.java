package dev.videohook.provider;

import java.util.List;
import java.util.Map;

/**
 * A job as the provider reports it on {@code GET /videos/{id}}.
 *
 * @param raw the whole response, for fields this version does not model
 */
public record ProviderJob(
    String id, String status, List<String> unsignedUrls, String error, Map<String, Object> raw) {

  /**
   * How many outputs the job produced: the longer of {@code unsigned_urls} and {@code urls} (the
   * signed storage URLs), at least 1. The content endpoint serves each by {@code index}.
   */
  public int outputCount() {
    int signed = raw != null && raw.get("urls") instanceof List<?> urls ? urls.size() : 0;
    return Math.max(1, Math.max(signed, unsignedUrls == null ? 0 : unsignedUrls.size()));
  }
}
