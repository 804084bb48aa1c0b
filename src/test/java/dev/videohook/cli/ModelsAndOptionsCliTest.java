package dev.videohook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.cli.CliStack.Run;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.provider.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code videohook models} and {@code submit}'s typed options, against the local stack and the
 * simulated provider: what the user types, what reached the provider, and that a refused value
 * reached nothing.
 */
class ModelsAndOptionsCliTest {
  private static final String API_KEY = "sk-options-never-printed";
  private static final String VEO = "google/veo-3.1-lite";

  @RegisterExtension static final CliStack cli = new CliStack(API_KEY);

  @BeforeEach
  void noThrottle() {
    cli.simulator().throttleNext(0, 429, null);
  }

  private static Map<String, String> env() {
    return cli.env();
  }

  private static Run run(Map<String, String> env, String... args) {
    return CliStack.run(env, args);
  }

  private static Run submit(String... options) {
    List<String> args = new ArrayList<>(List.of("-t", "acme"));
    args.addAll(List.of(options));
    args.addAll(List.of("--prompt", "a desk lamp"));
    return run(env(), CliStack.submitArgs(args.toArray(String[]::new)));
  }

  /** A submit to acme of an upscale of a video, which takes no prompt. */
  private static Run upscale(String... options) {
    List<String> args = new ArrayList<>(List.of("-t", "acme", "--model", "topaz/video-upscale"));
    args.addAll(List.of("--input-reference", "video=https://v.example.com/in.mp4"));
    args.addAll(List.of(options));
    return run(env(), CliStack.submitArgs(args.toArray(String[]::new)));
  }

  private static long posts() {
    return cli.simulator().submitBodies().size();
  }

  private static long modelCalls() {
    return cli.simulator().apiRequests().stream()
        .filter(r -> r.path().equals("/api/v1/videos/models"))
        .count();
  }

  @Test
  void models_printsATable_oneRowPerModel_withoutAnyKey() {
    Map<String, String> env = env();
    env.remove("OPENROUTER_API_KEY");

    Run run = run(env, "models");

    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.out().lines().toList();
    assertTrue(lines.get(0).startsWith("MODEL"), run.out());
    assertTrue(lines.get(0).contains("DURATIONS(s)"), run.out());
    String veo = lines.stream().filter(l -> l.startsWith(VEO)).findFirst().orElseThrow();
    assertTrue(veo.contains("4,6,8"), veo);
    assertTrue(veo.contains("720p,1080p"), veo);
    assertTrue(veo.contains("first,last"), veo);
    String seedance =
        lines.stream().filter(l -> l.startsWith("bytedance/")).findFirst().orElseThrow();
    assertTrue(seedance.contains("5,10"), seedance);
    assertEquals(5, lines.size(), "a heading and four models: " + run.out());
  }

  @Test
  void models_json_isTheProvidersAnswer() throws Exception {
    Run run = run(env(), "models", "-p", "openrouter", "--json");

    assertEquals(0, run.exitCode(), run.err());
    Map<String, Object> json = JSON.std.mapFrom(run.out());
    List<?> data = (List<?>) json.get("data");
    assertEquals(4, data.size());
    assertEquals(VEO, ((Map<?, ?>) data.get(0)).get("id"));
    assertFalse(run.out().contains(API_KEY));
  }

  @Test
  void models_whenTheProviderFails_saysSo_andFails() {
    cli.simulator().throttleNext(1, 500, null);

    Run run = run(env(), "models");

    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("openrouter models failed: HTTP 500"), run.err());
  }

  @Test
  void submit_withTypedOptions_sendsTheDocumentedFields_andRecordsTheJob() throws Exception {
    Run run =
        submit(
            "--model",
            VEO,
            "--duration",
            "6",
            "--resolution",
            "1080p",
            "--aspect-ratio",
            "9:16",
            "--seed",
            "42",
            "--no-audio",
            "--first-frame",
            "https://img.example.com/first.png",
            "--last-frame",
            "https://img.example.com/last.png",
            "--field",
            "provider={\"options\":{\"x\":1}}");

    assertEquals(0, run.exitCode(), run.err());
    Map<String, Object> body =
        cli.simulator().submitBodies().get(cli.simulator().submitBodies().size() - 1);
    assertEquals(6, body.get("duration"));
    assertEquals("1080p", body.get("resolution"));
    assertEquals("9:16", body.get("aspect_ratio"));
    assertEquals(42, body.get("seed"));
    assertEquals(false, body.get("generate_audio"));
    assertEquals(
        List.of(
            Map.of(
                "type", "image_url",
                "image_url", Map.of("url", "https://img.example.com/first.png"),
                "frame_type", "first_frame"),
            Map.of(
                "type", "image_url",
                "image_url", Map.of("url", "https://img.example.com/last.png"),
                "frame_type", "last_frame")),
        body.get("frame_images"));
    assertEquals(Map.of("options", Map.of("x", 1)), body.get("provider"));
    String jobId = run.submittedJobId();
    assertTrue(
        run.out().contains("polling     " + cli.simulator().apiBase() + "/videos/" + jobId),
        "the relative polling_url, made absolute: " + run.out());
    assertEquals(
        JobStatus.PENDING,
        cli.stack()
            .jobStore()
            .find(new JobKey("acme", Provider.OPENROUTER, jobId))
            .orElseThrow()
            .status());
  }

  @Test
  void submit_withADurationTheModelDoesNotSupport_isExit2_namingTheOptionAndTheAllowedValues() {
    long before = posts();

    Run run = submit("--model", VEO, "--duration", "5");

    assertEquals(2, run.exitCode());
    assertTrue(
        run.err().contains("error: --duration 5: google/veo-3.1-lite supports 4, 6, 8"), run.err());
    assertTrue(run.err().contains("Nothing was submitted"), run.err());
    assertEquals(before, posts(), "nothing submitted");
  }

  @Test
  void submit_withASizeOrSeedOrAudioTheModelDoesNotTake_namesEach() {
    long before = posts();

    Run run = submit("--model", "bytedance/seedance-1-lite", "--size", "1280x720", "--audio");

    assertEquals(2, run.exitCode());
    assertTrue(
        run.err().contains("--size 1280x720: bytedance/seedance-1-lite takes no size"), run.err());
    assertFalse(run.err().contains("--audio"), "the model does not say about audio: " + run.err());
    Run sora = submit("--model", "openai/sora-2", "--size", "1024x1024", "--seed", "1");
    assertEquals(2, sora.exitCode());
    assertTrue(
        sora.err().contains("--size 1024x1024: openai/sora-2 supports 1280x720, 720x1280"),
        sora.err());
    assertTrue(sora.err().contains("--seed 1: openai/sora-2 takes no seed"), sora.err());
    assertEquals(before, posts());
  }

  @Test
  void submit_noAudio_sendsGenerateAudioFalse_whichTheProviderWouldOtherwiseTurnOn() {
    long before = posts();

    Run run = submit("--model", VEO, "--no-audio");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(before + 1, posts());
    assertEquals(
        Boolean.FALSE, cli.simulator().submitBodies().get((int) before).get("generate_audio"));
  }

  @Test
  void submit_upscaleFactorOrCreativityOutsideTheModelsRange_isRefused_andNothingSent() {
    long before = posts();

    Run factor = upscale("--upscale-factor", "8");
    Run creativity = upscale("--creativity", "9");
    Run zero = submit("--model", VEO, "--upscale-factor", "0");

    assertEquals(2, factor.exitCode());
    assertTrue(
        factor
            .err()
            .contains(
                "--upscale-factor 8.0: topaz/video-upscale takes an upscale factor within 1-4"),
        factor.err());
    assertEquals(2, creativity.exitCode());
    assertTrue(
        creativity.err().contains("--creativity 9: topaz/video-upscale supports 1, 2, 3, 4, 5, 6"),
        creativity.err());
    assertEquals(2, zero.exitCode());
    assertTrue(
        zero.err().contains("--upscale-factor 0.0: must be a number greater than 0"), zero.err());
    assertEquals(before, posts());
  }

  @Test
  void submit_withoutAPrompt_sendsAnUpscaleOfAVideo_butNeedsAnImageOrVideoToWorkFrom() {
    long before = posts();

    Run upscale =
        upscale(
            "--upscale-factor", "2", "--creativity", "3", "--session-id", "s-1", "--user", "u-1");
    Run nothing = run(env(), CliStack.submitArgs("-t", "acme", "--model", VEO));

    assertEquals(0, upscale.exitCode(), upscale.err());
    Map<String, Object> body = cli.simulator().submitBodies().get((int) before);
    assertFalse(body.containsKey("prompt"), body.toString());
    assertEquals(2.0, ((Number) body.get("upscale_factor")).doubleValue());
    assertEquals(3, ((Number) body.get("creativity")).intValue());
    assertEquals("u-1", body.get("user"));
    assertEquals(2, nothing.exitCode());
    assertTrue(nothing.err().contains("--prompt: is required"), nothing.err());
    assertEquals(before + 1, posts());
  }

  @Test
  void credits_showsWhatIsLeftOfTheKeysLimit_andA402SaysWhichLimitRanOut() {
    cli.simulator().setKeyLimit(0.5);
    try {
      Run credits = run(env(), "credits", "-p", "openrouter");
      Run first = submit("--model", VEO);
      Run refused = submit("--model", VEO);

      assertEquals(0, credits.exitCode(), credits.err());
      assertTrue(credits.out().contains("limit_remaining  0.50 USD"), credits.out());
      assertEquals(0, first.exitCode(), first.err());
      assertEquals(1, refused.exitCode(), refused.out() + refused.err());
      assertTrue(refused.err().contains("this API key's spending limit is used up"), refused.err());
      assertFalse(credits.out().contains(API_KEY) || refused.err().contains(API_KEY));
    } finally {
      cli.simulator().setKeyLimit(null);
    }
  }

  @Test
  void submit_withAValueOutsideTheSchema_isRefusedBeforeAnyRequest() {
    int requests = cli.simulator().apiRequests().size();

    Run resolution = submit("--model", VEO, "--resolution", "720");
    Run size = submit("--model", VEO, "--size", "wide");
    Run field = submit("--model", VEO, "--field", "aspect_ratio=16/9");

    assertEquals(2, resolution.exitCode());
    assertTrue(
        resolution.err().contains("--resolution 720: must be one of 360p, 480p, 720p, 768p, 1080p"),
        resolution.err());
    assertEquals(2, size.exitCode());
    assertTrue(size.err().contains("--size wide: must be WIDTHxHEIGHT"), size.err());
    assertEquals(2, field.exitCode());
    assertTrue(field.err().contains("--field aspect_ratio 16/9: must be one of"), field.err());
    assertEquals(
        requests, cli.simulator().apiRequests().size(), "not even the model list was read");
  }

  @Test
  void submit_withAnUnknownModel_listsTheProvidersModels() {
    Run run = submit("--model", "google/veo-9");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--model google/veo-9: is not one of"), run.err());
    assertTrue(run.err().contains("openai/sora-2"), run.err());
  }

  @Test
  void submit_noCheck_skipsTheModelList_andShowsTheProvidersOwnRefusal() {
    long models = modelCalls();
    long before = posts();

    Run run = submit("--model", VEO, "--duration", "5", "--no-check", "--no-record");

    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("HTTP 400"), run.err());
    assertTrue(run.err().contains("duration 5 is not supported by google/veo-3.1-lite"), run.err());
    assertEquals(models, modelCalls(), "the model list was not read");
    assertEquals(before + 1, posts(), "the provider judged it");
  }

  @Test
  void submit_whenTheModelListCannotBeHad_warns_andSubmits() {
    cli.simulator().throttleNext(1, 500, null); // the model list's call

    Run run = submit("--model", VEO, "--duration", "4", "--no-record");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.err().contains("warning: cannot read the provider's models"), run.err());
    assertTrue(run.out().startsWith("submitted"), run.out());
  }

  @Test
  void submit_throttledWithRetryAfter_isTriedAgain_andSucceeds() {
    long before = posts();
    cli.simulator().throttleNext(1, 429, "0"); // --no-check: the submit itself is throttled

    Run run = submit("--model", VEO, "--no-check", "--no-record");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(before + 1, posts(), "one job: the throttled try never reached the submit");
  }

  @Test
  void submit_throttledWithoutRetryAfter_failsWithTheRateLimitMessage() {
    cli.simulator().throttleNext(1, 429, null);

    Run run = submit("--model", VEO, "--no-check", "--no-record");

    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("rate limited"), run.err());
  }

  @Test
  void models_and_submit_haveHelp_listingTheOptions() {
    Run models = run(env(), "models", "--help");
    Run submit = run(env(), "submit", "--help");

    assertEquals(0, models.exitCode());
    assertTrue(models.out().contains("--json"), models.out());
    for (String option :
        List.of(
            "--size", "--seed", "--[no-]audio", "--first-frame", "--last-frame", "--no-check")) {
      assertTrue(submit.out().contains(option), option + " in " + submit.out());
    }
  }
}
