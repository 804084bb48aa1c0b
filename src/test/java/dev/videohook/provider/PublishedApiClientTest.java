package dev.videohook.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.simulator.Faults;
import dev.videohook.simulator.ProviderSimulator;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client against the simulated provider's current API: 402s that say which limit ran out, the
 * key's remaining limit, 429s that carry only {@code X-RateLimit-*}, the new model fields and a job
 * status the published list does not have.
 */
class PublishedApiClientTest {
  private static final String KEY = "sk-published-api";
  private static ProviderSimulator simulator;

  @BeforeAll
  static void start() throws Exception {
    simulator =
        ProviderSimulator.start(
            Provider.OPENROUTER,
            KEY,
            "whsec-published",
            Faults.none().withCompletionDelay(Duration.ofHours(1)));
  }

  @AfterAll
  static void stop() {
    simulator.close();
  }

  @AfterEach
  void reset() {
    simulator.setBalance(100);
    simulator.setKeyLimit(null);
    simulator.throttleNext(0, 429, null);
  }

  private static ProviderClient client() {
    return new ProviderClient(Provider.OPENROUTER, simulator.apiBase(), KEY);
  }

  private static SubmitRequest request() {
    return new SubmitRequest(
        "google/veo-3.1-lite",
        "a lamp",
        null,
        null,
        null,
        null,
        URI.create("https://hooks.example.com/acme/openrouter/video-webhook"),
        Map.of());
  }

  @Test
  void submit402_forAnExhaustedKeyLimit_saysSo_andPointsAtCredits() {
    simulator.setKeyLimit(0.1);

    ProviderApiException e =
        assertThrows(ProviderApiException.class, () -> client().submit(request()));

    assertEquals(402, e.statusCode());
    assertEquals("openrouter_key_limit", e.limitSource().orElseThrow());
    assertEquals("payment_required", e.errorType().orElseThrow());
    assertTrue(e.getMessage().contains("this API key's spending limit is used up"), e.getMessage());
    assertTrue(e.getMessage().contains("videohook credits -p openrouter"), e.getMessage());
  }

  @Test
  void submit402_forANegativeBalance_saysToAddCredits() {
    simulator.setBalance(-3);

    ProviderApiException e =
        assertThrows(ProviderApiException.class, () -> client().submit(request()));

    assertEquals("openrouter_credits", e.limitSource().orElseThrow());
    assertTrue(e.getMessage().contains("balance is used up or negative"), e.getMessage());
  }

  @Test
  void key_reportsWhatIsLeftOfTheKeysLimit() throws Exception {
    simulator.setKeyLimit(2.0);
    client().submit(request());

    KeyLimit key = client().key();

    assertTrue(key.limited());
    assertEquals(2.0, key.limit());
    assertEquals(2.0 - ProviderSimulator.JOB_COST, key.limitRemaining(), 1e-9);
  }

  @Test
  void status429_withOnlyTheRateLimitReset_isTriedAgainAtTheReset() throws Exception {
    String id = client().submit(request()).id();
    List<Duration> sleeps = new CopyOnWriteArrayList<>();
    ProviderClient client =
        new ProviderClient(
            Provider.OPENROUTER,
            simulator.apiBase(),
            KEY,
            ProviderClient.sharedHttp(),
            RetryAfter.DEFAULT,
            Clock.systemUTC(),
            sleeps::add);
    simulator.throttleNext(1, 429, null, Duration.ofSeconds(3));

    ProviderJob job = client.status(id);

    assertEquals(id, job.id());
    assertEquals(1, sleeps.size(), "one wait, then the answer");
    assertTrue(
        sleeps.get(0).compareTo(Duration.ofSeconds(1)) >= 0
            && sleeps.get(0).compareTo(Duration.ofSeconds(4)) <= 0,
        "the wait is the time to X-RateLimit-Reset: " + sleeps);
  }

  @Test
  void status_aStatusNotYetPublished_isKeptAsSent() throws Exception {
    String id = client().submit(request()).id();
    simulator.reportStatus(id, "queued_for_gpu");

    ProviderJob job = client().status(id);

    assertEquals("queued_for_gpu", job.status());
  }

  @Test
  void models_carryCreativityAndTheUpscaleRange_andAModelWithoutDurations() throws Exception {
    VideoModel upscaler = client().models().find("topaz/video-upscale").orElseThrow();

    assertEquals(List.of(), upscaler.durations());
    assertEquals(List.of(1, 2, 3, 4, 5, 6), upscaler.creativity());
    assertEquals(new VideoModel.Range(1.0, 4.0), upscaler.upscaleFactor().orElseThrow());
    assertTrue(upscaler.isUpscaler());
    assertEquals(
        java.util.Optional.of(true),
        client().models().find("google/veo-3.1-lite").orElseThrow().seed(),
        "seed as a boolean");
  }
}
