package dev.videohook.notify;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/** Puts each event on the stack's bus with {@code PutEvents}: source, detail-type, JSON detail. */
public final class EventBridgePublisher implements EventPublisher {
  /** The IAM actions this publisher calls. */
  public static final Set<String> AWS_ACTIONS = Set.of("events:PutEvents");

  private final EventBridgeClient events;
  private final String busName;

  public EventBridgePublisher(EventBridgeClient events, String busName) {
    this.events = events;
    this.busName = busName;
  }

  @Override
  public void publish(JobEvent event) {
    String detail;
    try {
      detail = JSON.std.asString(event.detail());
    } catch (IOException e) {
      throw new UncheckedIOException("event detail is not JSON", e);
    }
    var response =
        events.putEvents(
            b ->
                b.entries(
                    PutEventsRequestEntry.builder()
                        .eventBusName(busName)
                        .source(JobEvents.SOURCE)
                        .detailType(event.detailType())
                        .detail(detail)
                        .build()));
    if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
      PutEventsResultEntry failed = response.entries().get(0);
      throw new IllegalStateException(
          "EventBridge refused event "
              + event.eventId()
              + ": "
              + failed.errorCode()
              + " "
              + failed.errorMessage());
    }
  }
}
