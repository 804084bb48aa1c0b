package dev.videohook.retry;

/**
 * A failure that knows whether trying again may help: {@link RetryPolicy} retries only those that
 * say so, and lets every other failure through at once.
 */
public interface Transient {
  /** True when the same attempt may succeed a moment later (a 5xx, a reset connection). */
  boolean isTransient();
}
