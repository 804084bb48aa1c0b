package dev.videohook.notify;

/**
 * Where downstream events go: EventBridge in AWS ({@link EventBridgePublisher}); the local stack
 * records them instead (EventBridge has no local emulator).
 */
public interface EventPublisher {
  /**
   * Publishes one event, at least once.
   *
   * @throws RuntimeException when the event was not accepted; the caller retries the record
   */
  void publish(JobEvent event);
}
