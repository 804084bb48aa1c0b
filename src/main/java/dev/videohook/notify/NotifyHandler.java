package dev.videohook.notify;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.videohook.config.AwsClients;
import dev.videohook.job.JobItems;
import dev.videohook.job.StreamImages;
import dev.videohook.metrics.Metrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda entry point for the jobs table's stream, filtered to the transitions consumers care about
 * ({@code JobTable.NOTIFY_FILTER_PATTERNS}): each record becomes at most one event ({@link
 * JobEvents}) published on the stack's bus. Driven by the stream, so the receiver and the
 * downloader write nothing more than their one commit. A record whose event is not accepted is
 * reported by its sequence number and retried.
 */
public class NotifyHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(NotifyHandler.class);

  /** Every environment variable this function reads; template.yaml must set exactly these. */
  public static final Set<String> ENVIRONMENT = NotifyConfig.ENVIRONMENT;

  /** Every AWS action the function calls; template.yaml grants exactly these. */
  public static final Set<String> AWS_ACTIONS = EventBridgePublisher.AWS_ACTIONS;

  private final EventPublisher publisher;
  private final Metrics metrics = Metrics.toLog();

  /** Builds everything from the environment, once per execution environment. */
  public NotifyHandler() {
    this(publisher(NotifyConfig.fromEnvironment(System.getenv())));
  }

  /** For the local stack and tests. */
  public NotifyHandler(EventPublisher publisher) {
    this.publisher = publisher;
  }

  private static EventPublisher publisher(NotifyConfig config) {
    return new EventBridgePublisher(AwsClients.eventBridge(config.shared()), config.busName());
  }

  @Override
  public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
    List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
    List<DynamodbStreamRecord> records =
        event.getRecords() == null ? List.of() : event.getRecords();
    for (DynamodbStreamRecord record : records) {
      String sequenceNumber =
          record.getDynamodb() == null ? null : record.getDynamodb().getSequenceNumber();
      try {
        Optional<JobEvent> jobEvent = event(record);
        if (jobEvent.isPresent()) {
          publisher.publish(jobEvent.get());
          measure(jobEvent.get());
          LOG.atInfo()
              .addKeyValue("tenant", jobEvent.get().detail().get("tenant"))
              .addKeyValue("provider", jobEvent.get().detail().get("provider"))
              .addKeyValue("jobId", jobEvent.get().detail().get("job_id"))
              .addKeyValue("detailType", jobEvent.get().detailType())
              .addKeyValue("eventId", jobEvent.get().eventId())
              .addKeyValue("outcome", "published")
              .log("downstream event published");
        }
      } catch (RuntimeException e) {
        LOG.atWarn()
            .addKeyValue("sequenceNumber", sequenceNumber)
            .addKeyValue("outcome", "retry")
            .setCause(e)
            .log("downstream event not published: reported for retry");
        failures.add(new StreamsEventResponse.BatchItemFailure(sequenceNumber));
      }
    }
    return new StreamsEventResponse(failures);
  }

  private void measure(JobEvent event) {
    Map<String, Object> detail = event.detail();
    String tenant = (String) detail.get("tenant");
    String provider = (String) detail.get("provider");
    String jobId = (String) detail.get("job_id");
    metrics.eventPublished(tenant, provider, jobId);
    if (detail.get("terminal_at") instanceof String terminal
        && detail.get("stored_at") instanceof String stored) {
      Duration took = Duration.between(Instant.parse(terminal), Instant.parse(stored));
      metrics.secondsToStored(tenant, provider, jobId, took.toMillis() / 1000.0);
    }
  }

  /** The event a stream record means, if any; images are read by {@link JobItems}. */
  public static Optional<JobEvent> event(DynamodbStreamRecord record) {
    if (record == null || record.getDynamodb() == null) {
      return Optional.empty();
    }
    return JobEvents.of(
        record.getEventName(),
        StreamImages.oldJob(record.getDynamodb()),
        StreamImages.newJob(record.getDynamodb()));
  }
}
