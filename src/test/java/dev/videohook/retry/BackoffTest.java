package dev.videohook.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void capped_shouldDoubleFromTheFirstPause_upToTheCap() {
    List<Duration> pauses =
        IntStream.rangeClosed(1, 7)
            .mapToObj(n -> Backoff.capped(Duration.ofSeconds(1), Duration.ofSeconds(20), n))
            .toList();
    assertEquals(
        List.of(1L, 2L, 4L, 8L, 16L, 20L, 20L), pauses.stream().map(Duration::toSeconds).toList());
  }

  @Test
  void capped_shouldNotOverflow_whenFailuresGoOnAndOn() {
    assertEquals(
        Duration.ofSeconds(8),
        Backoff.capped(Duration.ofMillis(500), Duration.ofSeconds(8), Integer.MAX_VALUE));
  }
}
