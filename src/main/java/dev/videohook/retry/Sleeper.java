package dev.videohook.retry;

import java.time.Duration;

/** A pause between attempts; {@link #SYSTEM} in production, tests pass one that only records. */
@FunctionalInterface
public interface Sleeper {
  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
