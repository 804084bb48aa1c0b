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
   * The published statuses of a job still being worked on. Statuses are an open set (the official
   * SDKs keep a value they do not know): any other non-terminal value is a new one, kept as sent.
   */
  public static final List<String> RUNNING_STATUSES = List.of("pending", "in_progress");

  /** The status as sent, for a log line or a note: at most 64 characters, no control characters. */
  public String printableStatus() {
    if (status == null) {
      return "(none)";
    }
    String text = status.replaceAll("\\p{Cntrl}", "?");
    return text.length() > 64 ? text.substring(0, 64) + "…" : text;
  }

  /**
   * How many outputs the job produced: the longer of {@code unsigned_urls} and {@code urls} (the
   * signed storage URLs), at least 1. The content endpoint serves each by {@code index}.
   */
  public int outputCount() {
    int signed = raw != null && raw.get("urls") instanceof List<?> urls ? urls.size() : 0;
    return Math.max(1, Math.max(signed, unsignedUrls == null ? 0 : unsignedUrls.size()));
  }
}
