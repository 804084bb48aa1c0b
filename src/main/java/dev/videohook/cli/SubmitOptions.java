package dev.videohook.cli;

import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderClient;
import dev.videohook.provider.RequestCheck;
import dev.videohook.provider.RequestCheck.Refusal;
import dev.videohook.provider.SubmitRequest;
import dev.videohook.provider.VideoModels;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * The checks {@code submit} makes before it spends credits: the body against the request schema,
 * then against the chosen model's published capabilities. A refusal is a usage error naming the
 * option the user typed ({@code --duration}, or {@code --field duration} when it came that way).
 */
final class SubmitOptions {
  /** Body field (or frame type) to the typed option that sets it. */
  private static final Map<String, String> OPTIONS =
      Map.ofEntries(
          Map.entry("model", "--model"),
          Map.entry("prompt", "--prompt"),
          Map.entry("creativity", "--creativity"),
          Map.entry("upscale_factor", "--upscale-factor"),
          Map.entry("input_references", "--input-reference"),
          Map.entry("previous_job_id", "--previous-job-id"),
          Map.entry("session_id", "--session-id"),
          Map.entry("user", "--user"),
          Map.entry("duration", "--duration"),
          Map.entry("resolution", "--resolution"),
          Map.entry("aspect_ratio", "--aspect-ratio"),
          Map.entry("size", "--size"),
          Map.entry("seed", "--seed"),
          Map.entry("generate_audio", "--audio"),
          Map.entry("first_frame", "--first-frame"),
          Map.entry("last_frame", "--last-frame"));

  private final SubmitRequest request;
  private final Map<String, Object> body;
  private final List<String> fieldNames;

  SubmitOptions(SubmitRequest request, List<String> fields) {
    this.request = request;
    this.body = request.toJson();
    this.fieldNames =
        fields.stream().map(f -> f.substring(0, Math.max(0, f.indexOf('=')))).toList();
  }

  /** Enums, integers and {@code WIDTHxHEIGHT}: needs no network. */
  void checkSchema() {
    refuse(RequestCheck.againstSchema(body), "");
  }

  /**
   * Against {@code GET /videos/models}, read once for this run. When the list cannot be had, says
   * so on {@code err} and lets the provider judge.
   */
  void checkModel(ProviderClient client, PrintWriter err) {
    VideoModels models;
    try {
      models = client.models();
    } catch (ProviderApiException e) {
      err.println(
          "warning: cannot read the provider's models to check the options ("
              + e.getMessage()
              + "); submitting unchecked");
      return;
    }
    refuse(
        RequestCheck.againstModel(body, models),
        " (`videohook models -p "
            + client.provider().id()
            + "` lists what each model takes; --no-check submits anyway)");
  }

  private void refuse(List<Refusal> refusals, String hint) {
    if (refusals.isEmpty()) {
      return;
    }
    StringBuilder message = new StringBuilder();
    for (Refusal refusal : refusals) {
      if (message.length() > 0) {
        message.append(System.lineSeparator()).append("error: ");
      }
      message.append(option(refusal.field()));
      if (!refusal.value().isEmpty()) {
        message.append(' ').append(refusal.value());
      }
      message.append(": ").append(refusal.problem());
    }
    message.append(". Nothing was submitted").append(hint).append('.');
    throw new CliException(ExitCode.USAGE, message.toString());
  }

  private String option(String field) {
    String typed = OPTIONS.get(field);
    boolean typedGiven =
        switch (field) {
          case "model", "prompt" -> true;
          case "creativity" -> request.more().creativity() != null;
          case "upscale_factor" -> request.more().upscaleFactor() != null;
          case "input_references" -> !request.more().inputReferences().isEmpty();
          case "previous_job_id" -> request.more().previousJobId() != null;
          case "session_id" -> request.more().sessionId() != null;
          case "user" -> request.more().user() != null;
          case "duration" -> request.durationSeconds() != null;
          case "resolution" -> request.resolution() != null;
          case "aspect_ratio" -> request.aspectRatio() != null;
          case "size" -> request.size() != null;
          case "seed" -> request.seed() != null;
          case "generate_audio" -> request.generateAudio() != null;
          case "first_frame" -> request.firstFrame() != null;
          case "last_frame" -> request.lastFrame() != null;
          default -> false;
        };
    if (typed != null && typedGiven) {
      return typed;
    }
    String wire = field.endsWith("_frame") ? "frame_images" : field;
    return fieldNames.contains(wire) ? "--field " + wire : typed != null ? typed : wire;
  }
}
