package dev.videohook.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import dev.videohook.job.JobItems;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.TestJobs;
import dev.videohook.local.LocalStreamPoller;
import dev.videohook.provider.Provider;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The notify handler's batch contract: one record's failure is reported alone, and retried. */
class NotifyHandlerTest {
  private final List<String> published = new ArrayList<>();

  /** A pending job becoming {@code status}, as the stream carries the change. */
  private static DynamodbStreamRecord change(
      String sequenceNumber, String jobId, JobStatus status) {
    JobKey key = new JobKey("acme", Provider.OPENROUTER, jobId);
    Instant at = Instant.parse("2026-11-26T08:00:00Z");
    StreamRecord stream = new StreamRecord();
    stream.setSequenceNumber(sequenceNumber);
    stream.setStreamViewType(StreamViewType.NEW_AND_OLD_IMAGES);
    stream.setOldImage(
        LocalStreamPoller.lambdaImage(
            JobItems.toItem(TestJobs.job(key, JobStatus.PENDING, List.of(), at))));
    stream.setNewImage(
        LocalStreamPoller.lambdaImage(JobItems.toItem(TestJobs.job(key, status, List.of(), at))));
    DynamodbStreamRecord record = new DynamodbStreamRecord();
    record.setEventName("MODIFY");
    record.setEventSource("aws:dynamodb");
    record.setDynamodb(stream);
    return record;
  }

  private static DynamodbEvent batch(DynamodbStreamRecord... records) {
    DynamodbEvent event = new DynamodbEvent();
    event.setRecords(List.of(records));
    return event;
  }

  private static List<String> failed(StreamsEventResponse response) {
    return response.getBatchItemFailures().stream()
        .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
        .toList();
  }

  @Test
  void aPublishFailure_reportsThatRecordAlone_andTheOthersArePublished() {
    NotifyHandler handler =
        new NotifyHandler(
            event -> {
              if (event.detail().get("job_id").equals("job_2")) {
                throw new IllegalStateException("EventBridge said no");
              }
              published.add((String) event.detail().get("job_id"));
            });

    StreamsEventResponse response =
        handler.handleRequest(
            batch(
                change("1", "job_1", JobStatus.FAILED),
                change("2", "job_2", JobStatus.CANCELLED),
                change("3", "job_3", JobStatus.EXPIRED)),
            null);

    assertEquals(List.of("2"), failed(response));
    assertEquals(List.of("job_1", "job_3"), published);
  }

  @Test
  void aTransitionNoConsumerWaitsFor_publishesNothing_andFailsNothing() {
    NotifyHandler handler = new NotifyHandler(event -> published.add(event.detailType()));

    StreamsEventResponse response =
        handler.handleRequest(batch(change("1", "job_1", JobStatus.COMPLETED)), null);

    assertEquals(List.of(), failed(response));
    assertEquals(List.of(), published, "completed is the downloader's business, stored is news");
  }
}
