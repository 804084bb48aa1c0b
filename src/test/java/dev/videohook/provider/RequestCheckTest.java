package dev.videohook.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.provider.RequestCheck.Refusal;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request checks on their own: the schema's rules, then one model's published capabilities. */
class RequestCheckTest {
  private static final VideoModels MODELS =
      VideoModels.parse(
          """
          {"data":[
            {"id":"veo","supported_durations":[4,6,8],"supported_resolutions":["720p","1080p"],
             "supported_aspect_ratios":["16:9","9:16"],"supported_sizes":null,
             "supported_frame_images":["first_frame"],"generate_audio":false,"seed":null},
            {"id":"loose"}
          ]}
          """);

  private static Map<String, Object> body(Object... pairs) {
    Map<String, Object> body =
        new HashMap<>(
            new SubmitRequest(
                    "veo", "p", null, null, null, null, URI.create("https://cb.example"), Map.of())
                .toJson());
    for (int i = 0; i < pairs.length; i += 2) {
      body.put((String) pairs[i], pairs[i + 1]);
    }
    return body;
  }

  /** A request to veo with these frame images (null: none), as the client writes it. */
  private static Map<String, Object> withFrames(String firstFrame, String lastFrame) {
    return new SubmitRequest(
            "veo",
            "p",
            /* durationSeconds */ null,
            /* resolution */ null,
            /* aspectRatio */ null,
            /* size */ null,
            /* seed */ null,
            /* generateAudio */ null,
            firstFrame,
            lastFrame,
            URI.create("https://cb.example"),
            Map.of())
        .toJson();
  }

  private static List<String> fields(List<Refusal> refusals) {
    return refusals.stream().map(Refusal::field).toList();
  }

  @Test
  void schema_acceptsEveryPublishedValue() {
    for (String resolution : RequestCheck.RESOLUTIONS) {
      assertEquals(List.of(), RequestCheck.againstSchema(body("resolution", resolution)));
    }
    for (String ratio : RequestCheck.ASPECT_RATIOS) {
      assertEquals(List.of(), RequestCheck.againstSchema(body("aspect_ratio", ratio)));
    }
    assertEquals(
        List.of(), RequestCheck.againstSchema(body("size", "1280x720", "seed", 7L, "duration", 4)));
  }

  @Test
  void schema_refusesEachBadValue_namingItsFieldAndWhatIsAccepted() {
    List<Refusal> refusals =
        RequestCheck.againstSchema(
            body(
                "resolution", "720",
                "aspect_ratio", "16/9",
                "duration", 0,
                "seed", "x",
                "generate_audio", "yes"));

    assertEquals(
        List.of("duration", "resolution", "aspect_ratio", "seed", "generate_audio"),
        fields(refusals));
    assertTrue(refusals.get(1).problem().contains("480p, 720p, 768p"), refusals.get(1).problem());
  }

  @Test
  void schema_refusesABadSize_andASizeBesideAResolution() {
    assertEquals(List.of("size"), fields(RequestCheck.againstSchema(body("size", "1280*720"))));
    Refusal both =
        RequestCheck.againstSchema(body("size", "1280x720", "resolution", "720p")).get(0);
    assertTrue(both.problem().contains("one or the other"), both.problem());
  }

  @Test
  void schema_refusesAFrameImageThatIsNotAnImageUrl() {
    Map<String, Object> body = withFrames("file:///etc/passwd", "https://img.example.com/last.png");

    assertEquals(List.of("first_frame"), fields(RequestCheck.againstSchema(body)));
  }

  @Test
  void model_refusesWhatItDoesNotSupport_namingTheAllowedValues() {
    List<Refusal> refusals =
        RequestCheck.againstModel(
            body(
                "duration",
                5,
                "resolution",
                "480p",
                "aspect_ratio",
                "1:1",
                "size",
                "1280x720",
                "seed",
                1,
                "generate_audio",
                true),
            MODELS);

    assertEquals(
        List.of("duration", "resolution", "aspect_ratio", "size", "seed", "generate_audio"),
        fields(refusals));
    assertEquals("veo supports 4, 6, 8", refusals.get(0).problem());
    assertEquals("veo supports 720p, 1080p", refusals.get(1).problem());
  }

  @Test
  void model_refusesAFrameTypeItDoesNotTake() {
    Map<String, Object> body = withFrames(null, "https://img.example.com/last.png");

    List<Refusal> refusals = RequestCheck.againstModel(body, MODELS);

    assertEquals(List.of("last_frame"), fields(refusals));
    assertEquals("veo takes only first_frame", refusals.get(0).problem());
  }

  @Test
  void model_thatSaysNothing_refusesNothing_andAnUnknownModelListsTheModels() {
    assertEquals(
        List.of(),
        RequestCheck.againstModel(
            body("model", "loose", "duration", 5, "seed", 1, "size", "640x480"), MODELS));
    Refusal unknown = RequestCheck.againstModel(body("model", "nope"), MODELS).get(0);
    assertEquals("model", unknown.field());
    assertTrue(unknown.problem().endsWith("veo, loose"), unknown.problem());
  }
}
