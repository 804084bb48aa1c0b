package dev.videohook.provider;

import java.util.List;
import java.util.Map;

/**
 * A job as the provider reports it on {@code GET /videos/{id}}.
 *
 * @param raw the whole response, for fields this version does not model
 */
public record ProviderJob(
    String id, String status, List<String> unsignedUrls, String error, Map<String, Object> raw) {}
