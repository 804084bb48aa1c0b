package dev.videohook.download;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.videohook.job.JobStore;
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

  private final DownloadService service;

  /** Builds everything from the environment, once per execution environment. */
  public DownloadHandler() {
    this(DownloadService.fromEnvironment(System.getenv()));
  }

  /** For the local stack, embedding and tests. */
  public DownloadHandler(DownloadService service) {
    this.service = service;
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
        Optional<CompletedJob> job = StreamRecords.newlyCompletedJob(record);
        if (job.isPresent()) {
          DownloadService.Outcome outcome = service.process(job.get());
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

  private static Set<String> awsActions() {
    Set<String> actions = new HashSet<>(JobStore.DOWNLOAD_ACTIONS);
    // PutObject covers CreateMultipartUpload, UploadPart and CompleteMultipartUpload
    actions.addAll(
        Set.of("s3:PutObject", "s3:AbortMultipartUpload", "secretsmanager:GetSecretValue"));
    return Set.copyOf(actions);
  }
}
