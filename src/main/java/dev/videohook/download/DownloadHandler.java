package dev.videohook.download;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.videohook.job.JobTableActions;
import dev.videohook.retry.Deadline;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Lambda entry point for the jobs table's stream (NEW_AND_OLD_IMAGES). Each record that says a job
 * has just become {@code completed} ({@link StreamRecords#newlyCompletedJob}) goes to {@link
 * DownloadService}; every other record is ignored. A record that fails is reported by its sequence
 * number, so only it (and what follows it in the shard) is retried.
 */
public class DownloadHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(DownloadHandler.class);

  /** Every environment variable this function reads; template.yaml must set exactly these. */
  public static final Set<String> ENVIRONMENT = DownloadConfig.ENVIRONMENT;

  /** Every AWS action the function calls; template.yaml grants exactly these. */
  public static final Set<String> AWS_ACTIONS = awsActions();

  /**
   * What a download leaves of the invocation's time when it stops at its deadline: the longest
   * stretch without a deadline check (a 5 s connect plus 30 s waiting for a response's headers; a
   * body read waits at most the 30 s idle timeout), then the parts in flight landing, the abort,
   * and the two writes that note the attempt.
   */
  public static final Duration DEADLINE_MARGIN = Duration.ofSeconds(60);

  /**
   * The sustained download throughput the template's sizing assumes (8 MiB/s, 67 Mbit/s): at it,
   * the largest video {@code DownloadMaxBytes} allows, times {@code BatchSize}, fits in the
   * function's {@code Timeout} less {@link #DEADLINE_MARGIN} (TemplateContractTest checks).
   */
  public static final long MIN_THROUGHPUT_BYTES_PER_SECOND = 8L * 1024 * 1024;

  private final DownloadService service;
  private final Clock clock;

  /** Builds everything from the environment, once per execution environment. */
  public DownloadHandler() {
    this(DownloadService.fromEnvironment(System.getenv()), Clock.systemUTC());
  }

  /** For the local stack, embedding and tests. */
  public DownloadHandler(DownloadService service) {
    this(service, Clock.systemUTC());
  }

  /**
   * @param clock what the deadline is measured with (the remaining time Lambda gives, from now)
   */
  public DownloadHandler(DownloadService service, Clock clock) {
    this.service = service;
    this.clock = clock;
  }

  /**
   * Handles the records in order until the deadline (the invocation's remaining time less {@link
   * #DEADLINE_MARGIN}; none without a context, as in the local stack): a download that reaches it
   * stops, its attempt noted on the job, and it and every record not started are reported as batch
   * item failures, for the stream to retry in a new invocation.
   */
  @Override
  public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
    Deadline deadline =
        context == null
            ? Deadline.none()
            : Deadline.fromRemaining(
                clock, Duration.ofMillis(context.getRemainingTimeInMillis()), DEADLINE_MARGIN);
    List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
    List<DynamodbStreamRecord> records =
        event.getRecords() == null ? List.of() : event.getRecords();
    for (int i = 0; i < records.size(); i++) {
      DynamodbStreamRecord record = records.get(i);
      String sequenceNumber = sequenceNumber(record);
      if (deadline.passed()) {
        List<DynamodbStreamRecord> rest = records.subList(i, records.size());
        for (DynamodbStreamRecord notStarted : rest) {
          failures.add(new StreamsEventResponse.BatchItemFailure(sequenceNumber(notStarted)));
        }
        LOG.atWarn()
            .addKeyValue("sequenceNumber", sequenceNumber)
            .addKeyValue("notStarted", rest.size())
            .addKeyValue("deadline", deadline)
            .addKeyValue("outcome", "retry")
            .log("deadline passed: records not started, reported for retry");
        break;
      }
      try {
        Optional<CompletedJob> job = StreamRecords.newlyCompletedJob(record);
        if (job.isPresent()) {
          DownloadService.Outcome outcome = service.process(job.get(), deadline);
          DownloadService.log(LOG.atInfo(), job.get())
              .addKeyValue("sequenceNumber", sequenceNumber)
              .addKeyValue("outcome", outcome)
              .log("stream record handled");
        }
      } catch (RuntimeException e) {
        LoggingEventBuilder line =
            LOG.atWarn()
                .addKeyValue("sequenceNumber", sequenceNumber)
                .addKeyValue("outcome", "retry")
                .addKeyValue("error", DownloadService.describe(e));
        if (e instanceof SdkException) {
          line = line.setCause(e); // AWS's own failures carry no provider header
        }
        line.log("stream record failed: reported for retry");
        failures.add(new StreamsEventResponse.BatchItemFailure(sequenceNumber));
      }
    }
    return new StreamsEventResponse(failures);
  }

  private static String sequenceNumber(DynamodbStreamRecord record) {
    return record.getDynamodb() == null ? null : record.getDynamodb().getSequenceNumber();
  }

  private static Set<String> awsActions() {
    Set<String> actions = new HashSet<>(JobTableActions.DOWNLOAD);
    // PutObject covers CreateMultipartUpload, UploadPart and CompleteMultipartUpload
    actions.addAll(
        Set.of("s3:PutObject", "s3:AbortMultipartUpload", "secretsmanager:GetSecretValue"));
    return Set.copyOf(actions);
  }
}
