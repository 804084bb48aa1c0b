package dev.videohook.download;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import dev.videohook.job.JobTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda entry point for the jobs table's stream (NEW_AND_OLD_IMAGES). Each record that says a job
 * has just become {@code completed} ({@link JobImage#isNewlyCompleted}) goes to {@link
 * DownloadService}; every other record is ignored. A record that fails is reported by its sequence
 * number, so only it (and what follows it in the shard) is retried.
 */
public class DownloadHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(DownloadHandler.class);

  /** Every environment variable this function reads; template.yaml must set exactly these. */
  public static final Set<String> ENVIRONMENT = DownloadConfig.ENVIRONMENT;

  /** Every AWS action the function calls; template.yaml grants exactly these. */
  public static final Set<String> AWS_ACTIONS =
      Set.of(
          "dynamodb:GetItem",
          "dynamodb:UpdateItem",
          // PutObject covers CreateMultipartUpload, UploadPart and CompleteMultipartUpload
          "s3:PutObject",
          "s3:AbortMultipartUpload",
          "secretsmanager:GetSecretValue");

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
        Optional<CompletedJob> job = newlyCompletedJob(record);
        if (job.isPresent()) {
          DownloadService.Outcome outcome = service.process(job.get());
          LOG.info("record {}: job {} {}", sequenceNumber, job.get(), outcome);
        }
      } catch (RuntimeException e) {
        LOG.warn("record {} failed: {}", sequenceNumber, e.getMessage());
        failures.add(new StreamsEventResponse.BatchItemFailure(sequenceNumber));
      }
    }
    return new StreamsEventResponse(failures);
  }

  /**
   * The job a stream record asks to download: present only for a job that has just become {@code
   * completed}. The local stack applies the same filter.
   *
   * @throws IllegalArgumentException for a newly completed job item without a known provider,
   *     tenant or id
   */
  public static Optional<CompletedJob> newlyCompletedJob(DynamodbStreamRecord record) {
    if (record == null || record.getDynamodb() == null) {
      return Optional.empty();
    }
    JobImage oldImage = image(record.getDynamodb().getOldImage());
    JobImage newImage = image(record.getDynamodb().getNewImage());
    if (!JobImage.isNewlyCompleted(record.getEventName(), oldImage, newImage)) {
      return Optional.empty();
    }
    return Optional.of(
        newImage
            .toCompletedJob()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "completed job item without a known provider, tenant or id")));
  }

  private static JobImage image(Map<String, AttributeValue> item) {
    if (item == null || item.isEmpty()) {
      return null;
    }
    List<String> urls = new ArrayList<>();
    AttributeValue list = item.get(JobTable.UNSIGNED_URLS);
    if (list != null && list.getL() != null) {
      for (AttributeValue url : list.getL()) {
        if (url.getS() != null) {
          urls.add(url.getS());
        }
      }
    }
    return new JobImage(
        string(item, JobTable.ITEM_TYPE),
        string(item, JobTable.STATUS),
        string(item, JobTable.TENANT),
        string(item, JobTable.PROVIDER),
        string(item, JobTable.JOB_ID),
        urls);
  }

  private static String string(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.getS();
  }
}
