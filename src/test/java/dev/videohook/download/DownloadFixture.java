package dev.videohook.download;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import dev.videohook.job.JobTable;
import dev.videohook.local.LocalS3;
import dev.videohook.local.SharedDynamoDb;
import dev.videohook.local.SharedS3;
import dev.videohook.provider.Provider;
import dev.videohook.secrets.TenantSecrets;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A downloader wired to the shared DynamoDB Local and S3Proxy, a fresh table and bucket, and a
 * video server playing both the provider API and the storage hosts of unsigned URLs.
 */
final class DownloadFixture implements AutoCloseable {
  static final String TENANT = "acme";
  static final Provider PROVIDER = Provider.OPENROUTER;
  static final String API_KEY = "sk-or-test-key";
  static final Instant NOW = Instant.parse("2026-11-26T08:00:00Z");

  /** As the stream would: the first attempt and two retries. */
  static final int GIVE_UP_AFTER_ATTEMPTS = 3;

  final DynamoDbClient dynamoDb = SharedDynamoDb.get().client();
  final LocalS3 s3 = SharedS3.get();
  final String table = SharedDynamoDb.newJobTable();
  final String bucket = SharedS3.newBucket();

  /** The provider API (content endpoint) and, by default, the unsigned URLs' host. */
  final VideoServer api = new VideoServer();

  /** Another origin: a storage host. */
  final VideoServer storage = new VideoServer();

  final List<Duration> pauses = new ArrayList<>();
  final DownloadHandler handler;
  final VideoDownloader downloader;

  DownloadFixture() {
    this(b -> {});
  }

  DownloadFixture(java.util.function.Consumer<VideoDownloader.Builder> customize) {
    VideoDownloader.Builder builder =
        VideoDownloader.builder(new StreamingUploader(s3.client(), bucket), secrets())
            .apiBases(Map.of(PROVIDER, api.url("/api/v1")))
            .allowLoopbackHttp(true)
            .retry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(4), pauses::add))
            .idleTimeout(Duration.ofMillis(500));
    customize.accept(builder);
    downloader = builder.build();
    handler =
        new DownloadHandler(
            new DownloadService(
                downloader,
                new StoredVideos(dynamoDb, table),
                Clock.fixed(NOW, ZoneOffset.UTC),
                GIVE_UP_AFTER_ATTEMPTS));
  }

  static TenantSecrets secrets() {
    return new TenantSecrets() {
      @Override
      public List<String> webhookSecrets(String tenant, Provider provider) {
        return List.of();
      }

      @Override
      public Optional<String> apiKey(String tenant, Provider provider) {
        return Optional.of(API_KEY);
      }
    };
  }

  String contentTarget(String jobId) {
    return "/api/v1/videos/" + jobId + "/content?index=0";
  }

  /** Puts the job item as the receiver would leave it. */
  void putJob(String jobId, String status, List<URI> urls) {
    putJob(TENANT, jobId, status, urls);
  }

  void putJob(String tenant, String jobId, String status, List<URI> urls) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(JobTable.PK, s(JobTable.jobKey(tenant, PROVIDER.id(), jobId)));
    item.put(JobTable.ITEM_TYPE, s(JobTable.ITEM_TYPE_JOB));
    item.put(JobTable.TENANT, s(tenant));
    item.put(JobTable.PROVIDER, s(PROVIDER.id()));
    item.put(JobTable.JOB_ID, s(jobId));
    item.put(JobTable.STATUS, s(status));
    item.put(JobTable.UPDATED_AT, s(NOW.toString()));
    item.put(
        JobTable.UNSIGNED_URLS,
        AttributeValue.builder().l(urls.stream().map(u -> s(u.toString())).toList()).build());
    dynamoDb.putItem(b -> b.tableName(table).item(item));
  }

  Map<String, AttributeValue> job(String jobId) {
    return dynamoDb
        .getItem(
            b ->
                b.tableName(table)
                    .consistentRead(true)
                    .key(Map.of(JobTable.PK, s(JobTable.jobKey(TENANT, PROVIDER.id(), jobId)))))
        .item();
  }

  /**
   * The stream record of a job item moving from {@code oldStatus} (null: INSERT) to {@code
   * newStatus}.
   */
  static DynamodbStreamRecord change(
      String sequenceNumber, String jobId, String oldStatus, String newStatus, List<URI> urls) {
    Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue>
        newImage = image(jobId, newStatus, urls);
    Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue>
        oldImage =
            oldStatus == null
                ? null
                : image(jobId, oldStatus, oldStatus.equals("pending") ? List.of() : urls);
    return record(oldStatus == null ? "INSERT" : "MODIFY", sequenceNumber, oldImage, newImage);
  }

  static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue>
      image(String jobId, String status, List<URI> urls) {
    Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image =
        new HashMap<>();
    image.put(JobTable.PK, ls(JobTable.jobKey(TENANT, PROVIDER.id(), jobId)));
    image.put(JobTable.ITEM_TYPE, ls(JobTable.ITEM_TYPE_JOB));
    image.put(JobTable.TENANT, ls(TENANT));
    image.put(JobTable.PROVIDER, ls(PROVIDER.id()));
    image.put(JobTable.JOB_ID, ls(jobId));
    image.put(JobTable.STATUS, ls(status));
    image.put(
        JobTable.UNSIGNED_URLS,
        new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue()
            .withL(urls.stream().map(u -> ls(u.toString())).toList()));
    return image;
  }

  static DynamodbStreamRecord record(
      String eventName,
      String sequenceNumber,
      Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue>
          oldImage,
      Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue>
          newImage) {
    StreamRecord streamRecord = new StreamRecord();
    streamRecord.setSequenceNumber(sequenceNumber);
    streamRecord.setOldImage(oldImage);
    streamRecord.setNewImage(newImage);
    streamRecord.setStreamViewType(StreamViewType.NEW_AND_OLD_IMAGES);
    Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image =
        newImage != null ? newImage : oldImage;
    streamRecord.setKeys(Map.of(JobTable.PK, image.get(JobTable.PK)));
    DynamodbStreamRecord record = new DynamodbStreamRecord();
    record.setEventName(eventName);
    record.setEventSource("aws:dynamodb");
    record.setDynamodb(streamRecord);
    return record;
  }

  static DynamodbEvent event(DynamodbStreamRecord... records) {
    DynamodbEvent event = new DynamodbEvent();
    event.setRecords(List.of(records));
    return event;
  }

  static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue ls(
      String value) {
    return new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue()
        .withS(value);
  }

  static AttributeValue s(String value) {
    return AttributeValue.builder().s(value).build();
  }

  byte[] object(String key) {
    return s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }

  @Override
  public void close() {
    api.close();
    storage.close();
  }
}
