package dev.videohook.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.job.Job;
import dev.videohook.job.StoredObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --json}: one JSON document on standard output, with the job record's own field names. */
final class JobJson {
  private JobJson() {}

  /** A job as its record holds it; absent values are null, so every key is always there. */
  static Map<String, Object> of(Job job) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("tenant", job.tenant());
    fields.put("provider", job.provider().id());
    fields.put("job_id", job.jobId());
    fields.put("status", job.status().value());
    fields.put("model", job.model());
    fields.put("error", job.error());
    fields.put("cost", job.usage().cost());
    fields.put("is_byok", job.usage().byok());
    fields.put("unsigned_urls", job.unsignedUrls());
    fields.put("download_attempts", job.download().failedAttempts());
    fields.put("last_download_error", job.download().lastError());
    fields.put("reconcile_last_outcome", job.reconcile().lastOutcome());
    fields.put("reconcile_next_check", text(job.reconcile().nextCheck()));
    fields.put("bucket", job.stored().bucket());
    List<Map<String, Object>> objects =
        job.stored().objects().stream().map(JobJson::object).toList();
    fields.put("objects", objects);
    fields.put("submitted_at", text(job.times().submittedAt()));
    fields.put("terminal_at", text(job.times().terminalAt()));
    fields.put("stored_at", text(job.times().storedAt()));
    fields.put("updated_at", text(job.times().updatedAt()));
    return fields;
  }

  private static Map<String, Object> object(StoredObject object) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("key", object.key());
    fields.put("size", object.size());
    fields.put("sha256", object.sha256());
    fields.put("content_type", object.contentType());
    return fields;
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  /** Writes {@code value} as one pretty-printed document and a newline. */
  static void print(PrintWriter out, Object value) {
    try {
      out.println(
          JSON.std
              .with(JSON.Feature.PRETTY_PRINT_OUTPUT, JSON.Feature.WRITE_NULL_PROPERTIES)
              .asString(value));
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException("a map of plain values is always JSON", e);
    }
  }
}
