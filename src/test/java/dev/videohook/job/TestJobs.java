package dev.videohook.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Jobs in a given state, for tests that set the table up as a transition would have left it. */
public final class TestJobs {
  private TestJobs() {}

  /** A job as the receiver leaves it: identity, status, unsigned URLs and its last change. */
  public static Job job(JobKey key, JobStatus status, List<String> unsignedUrls, Instant at) {
    return Job.builder(key, status)
        .unsignedUrls(unsignedUrls)
        .times(new Job.Times(null, null, null, at))
        .build();
  }

  /** The same job in another status, with nothing the downloader set. */
  public static Job withStatus(Job job, JobStatus status) {
    return job.toBuilder()
        .status(status)
        .stored(null)
        .download(null)
        .times(
            new Job.Times(
                job.times().submittedAt(), job.times().terminalAt(), null, job.times().updatedAt()))
        .build();
  }

  /** The same job with other unsigned URLs. */
  public static Job withUnsignedUrls(Job job, List<String> unsignedUrls) {
    return job.toBuilder().unsignedUrls(unsignedUrls).build();
  }

  /**
   * The download lease a claim at {@code at} takes on a job waiting for its video, for a minute:
   * what a download holds before it writes {@code stored} or {@code download_failed}.
   *
   * @throws AssertionError when the claim is not granted
   */
  public static DownloadLease lease(JobStore store, JobKey job, Instant at) {
    LeaseClaim claim = store.claimDownload(job, at, at.plusSeconds(60));
    if (claim instanceof LeaseClaim.Granted granted) {
      return granted.lease();
    }
    throw new AssertionError("the lease on " + job + " was not granted: " + claim);
  }

  /** Writes the job's item as is, unconditionally. */
  public static void put(DynamoDbClient dynamoDb, String table, Job job) {
    dynamoDb.putItem(b -> b.tableName(table).item(JobItems.toItem(job)));
  }

  /**
   * Overwrites the job's submit time with {@code text}, which need not be a time: an item as a bad
   * migration or a hand edit could leave it, which no typed write can make.
   */
  public static void corruptSubmittedAt(
      DynamoDbClient dynamoDb, String table, JobKey key, String text) {
    dynamoDb.updateItem(
        b ->
            b.tableName(table)
                .key(JobItems.key(key))
                .updateExpression("SET #at = :text")
                .expressionAttributeNames(Map.of("#at", JobTable.SUBMITTED_AT))
                .expressionAttributeValues(Map.of(":text", AttributeValue.fromS(text))));
  }

  /**
   * How many deliveries the table records for a job id: the first terminal delivery its job item
   * keeps, plus any delivery items (late terminal events). A Scan: small test tables only.
   */
  public static long deliveryRecords(DynamoDbClient dynamoDb, String table, String jobId) {
    return dynamoDb.scanPaginator(b -> b.tableName(table).consistentRead(true)).items().stream()
        .flatMap(item -> JobItems.delivery(item).or(() -> JobItems.terminalDelivery(item)).stream())
        .filter(delivery -> delivery.job().jobId().equals(jobId))
        .count();
  }
}
