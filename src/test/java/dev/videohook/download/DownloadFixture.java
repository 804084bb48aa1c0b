package dev.videohook.download;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import dev.videohook.egress.TestDns;
import dev.videohook.job.Job;
import dev.videohook.job.JobItems;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.JobTable;
import dev.videohook.job.TestJobs;
import dev.videohook.local.LocalS3;
import dev.videohook.local.LocalStreamPoller;
import dev.videohook.provider.Provider;
import dev.videohook.retry.RetryPolicy;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.testing.SharedMoto;
import dev.videohook.testing.SharedS3;
import dev.videohook.testing.StreamingSource;
import dev.videohook.testing.StubSecrets;
import dev.videohook.testing.VideoHost;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A downloader wired to the shared moto and S3, a fresh table and bucket, and video hosts playing
 * the provider API and the storage hosts of unsigned URLs.
 */
final class DownloadFixture implements AutoCloseable {
  static final String TENANT = "acme";
  static final Provider PROVIDER = Provider.OPENROUTER;
  static final String API_KEY = "sk-or-test-key";
  static final Instant NOW = Instant.parse("2026-11-26T08:00:00Z");

  /** As the stream would: the first attempt and two retries. */
  static final int GIVE_UP_AFTER_ATTEMPTS = 3;

  final DynamoDbClient dynamoDb = SharedMoto.get().client();
  final LocalS3 s3 = SharedS3.get();
  final String table = SharedMoto.newJobTable();
  final String bucket = SharedS3.newBucket();

  /** The provider API (content endpoint) and, by default, the unsigned URLs' host. */
  final VideoHost api = new VideoHost();

  /** Another origin: a storage host. */
  final VideoHost storage = new VideoHost();

  /** A storage host that streams generated bodies and breaks connections mid-body. */
  final StreamingSource source = new StreamingSource();

  final List<Duration> pauses = new ArrayList<>();

  /** The downloader's DNS: names the tests give, any address; nothing else resolves. */
  final TestDns dns =
      new TestDns(
          Map.of("cdn.example.com", List.of("93.184.216.34"), "localhost", List.of("127.0.0.1")));

  final DownloadHandler handler;
  final DownloadService service;
  final VideoDownloader downloader;

  DownloadFixture() {
    this(b -> {});
  }

  DownloadFixture(Consumer<VideoDownloader.Builder> customize) {
    this(API_KEY, customize);
  }

  /** With {@code apiKey} as the provider API key, as a secrets source would hand it over. */
  DownloadFixture(String apiKey, Consumer<VideoDownloader.Builder> customize) {
    this(apiKey, Clock.fixed(NOW, ZoneOffset.UTC), customize);
  }

  /** With {@code clock} for the service's timestamps and the handler's deadline. */
  DownloadFixture(Clock clock) {
    this(API_KEY, clock, b -> {});
  }

  private DownloadFixture(String apiKey, Clock clock, Consumer<VideoDownloader.Builder> customize) {
    VideoDownloader.Builder builder =
        VideoDownloader.builder(new StreamingUploader(s3.client(), bucket), secrets(apiKey))
            .apiBases(Map.of(PROVIDER, api.url("/api/v1")))
            .allowLoopbackHttp(true)
            .resolver(dns)
            .retry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(4), pauses::add))
            .idleTimeout(Duration.ofMillis(500));
    customize.accept(builder);
    downloader = builder.build();
    service =
        new DownloadService(
            downloader, new JobStore(dynamoDb, table), clock, GIVE_UP_AFTER_ATTEMPTS);
    handler = new DownloadHandler(service, clock);
  }

  static TenantSecrets secrets() {
    return secrets(API_KEY);
  }

  static TenantSecrets secrets(String apiKey) {
    return StubSecrets.apiKey(apiKey);
  }

  String contentTarget(String jobId) {
    return "/api/v1/videos/" + jobId + "/content?index=0";
  }

  /** Puts the job item as the receiver would leave it. */
  void putJob(String jobId, String status, List<URI> urls) {
    putJob(TENANT, jobId, status, urls);
  }

  void putJob(String tenant, String jobId, String status, List<URI> urls) {
    TestJobs.put(dynamoDb, table, job(tenant, jobId, status, texts(urls)));
  }

  /** As {@link #putJob(String, String, List)}, with unsigned URLs as the provider sent them. */
  void putJobWithRawUrls(String jobId, String status, List<String> urls) {
    TestJobs.put(dynamoDb, table, job(TENANT, jobId, status, urls));
  }

  /** The job as stored now. */
  Job job(String jobId) {
    return new JobStore(dynamoDb, table).find(key(TENANT, jobId)).orElseThrow();
  }

  static JobKey key(String tenant, String jobId) {
    return new JobKey(tenant, PROVIDER, jobId);
  }

  private static Job job(String tenant, String jobId, String status, List<String> urls) {
    return TestJobs.job(key(tenant, jobId), JobStatus.fromValue(status).orElseThrow(), urls, NOW);
  }

  private static List<String> texts(List<URI> urls) {
    return urls.stream().map(URI::toString).toList();
  }

  /**
   * The stream record of a job item moving from {@code oldStatus} (null: INSERT) to {@code
   * newStatus}.
   */
  static DynamodbStreamRecord change(
      String sequenceNumber, String jobId, String oldStatus, String newStatus, List<URI> urls) {
    return changeWithRawUrls(sequenceNumber, jobId, oldStatus, newStatus, texts(urls));
  }

  /** As {@link #change}, with unsigned URLs as the provider sent them. */
  static DynamodbStreamRecord changeWithRawUrls(
      String sequenceNumber, String jobId, String oldStatus, String newStatus, List<String> urls) {
    Map<String, AttributeValue> newImage = imageWithRawUrls(jobId, newStatus, urls);
    Map<String, AttributeValue> oldImage =
        oldStatus == null
            ? null
            : imageWithRawUrls(jobId, oldStatus, oldStatus.equals("pending") ? List.of() : urls);
    return record(oldStatus == null ? "INSERT" : "MODIFY", sequenceNumber, oldImage, newImage);
  }

  /** A job item's image, as the stream carries it. */
  static Map<String, AttributeValue> image(String jobId, String status, List<URI> urls) {
    return imageWithRawUrls(jobId, status, texts(urls));
  }

  private static Map<String, AttributeValue> imageWithRawUrls(
      String jobId, String status, List<String> urls) {
    return JobItems.toItem(job(TENANT, jobId, status, urls));
  }

  /** A stream record in Lambda's shape, its images converted as the local stack's poller does. */
  static DynamodbStreamRecord record(
      String eventName,
      String sequenceNumber,
      Map<String, AttributeValue> oldImage,
      Map<String, AttributeValue> newImage) {
    StreamRecord streamRecord = new StreamRecord();
    streamRecord.setSequenceNumber(sequenceNumber);
    streamRecord.setStreamViewType(StreamViewType.NEW_AND_OLD_IMAGES);
    Map<String, AttributeValue> image = newImage != null ? newImage : oldImage;
    streamRecord.setKeys(
        LocalStreamPoller.lambdaImage(Map.of(JobTable.PK, image.get(JobTable.PK))));
    if (oldImage != null) {
      streamRecord.setOldImage(LocalStreamPoller.lambdaImage(oldImage));
    }
    if (newImage != null) {
      streamRecord.setNewImage(LocalStreamPoller.lambdaImage(newImage));
    }
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

  byte[] object(String key) {
    return s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }

  @Override
  public void close() {
    api.close();
    storage.close();
    source.close();
  }
}
