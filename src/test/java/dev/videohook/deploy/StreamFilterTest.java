package dev.videohook.deploy;

import static dev.videohook.deploy.CloudFormationTemplate.at;
import static dev.videohook.deploy.CloudFormationTemplate.list;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import dev.videohook.event.VideoEvent;
import dev.videohook.job.Delivery;
import dev.videohook.job.JobItems;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.JobTable;
import dev.videohook.job.TestJobs;
import dev.videohook.local.EventFilter;
import dev.videohook.local.LocalStreamPoller;
import dev.videohook.notify.JobEvent;
import dev.videohook.notify.JobEvents;
import dev.videohook.notify.NotifyHandler;
import dev.videohook.provider.Provider;
import dev.videohook.testing.SharedMoto;
import dev.videohook.webhook.HttpApiEvents;
import dev.videohook.webhook.HttpApiRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * The template's FilterCriteria against the stream records that the receiver's and the downloader's
 * real writes produce on moto, matched on the records' {@code dynamodb} key alone (as Lambda does
 * for a DynamoDB source): the downloader sees a job's transition to {@code completed}, once, and
 * nothing else (not its delivery records, not its later updates); the notify function sees each
 * move into a state consumers care about once.
 */
class StreamFilterTest {
  private DynamoDbClient dynamoDb;
  private DynamoDbStreamsClient streams;
  private String table;
  private JobStore store;
  private EventFilter filter;

  @BeforeEach
  void setUp() throws Exception {
    dynamoDb = SharedMoto.get().client();
    streams = SharedMoto.get().streamsClient();
    table = SharedMoto.newJobTable();
    store = new JobStore(dynamoDb, table, JobStore.DEFAULT_DELIVERY_TTL);
    CloudFormationTemplate template = CloudFormationTemplate.load(Path.of("template.yaml"));
    Object filters =
        at(
            template.properties("DownloadFunction"),
            "Events",
            "CompletedJobs",
            "Properties",
            "FilterCriteria",
            "Filters");
    filter = new EventFilter(list(filters).stream().map(f -> (String) at(f, "Pattern")).toList());
  }

  @Test
  void pendingJobThatCompletes_shouldPassOnce_asItsModify() throws Exception {
    String jobId = eventJobId("openrouter-completed.json");
    store.recordSubmitted(
        new JobKey("acme", Provider.OPENROUTER, jobId),
        "google/veo-3.1-lite",
        "a lamp",
        Instant.now());
    record("openrouter-completed.json", Provider.OPENROUTER);

    assertEquals(List.of("MODIFY pending->completed"), passing(Provider.OPENROUTER, jobId));
  }

  @Test
  void jobFirstSeenCompleted_shouldPassOnce_asItsInsert() throws Exception {
    String jobId = record("modelgates-completed.json", Provider.MODELGATES);

    assertEquals(List.of("INSERT ->completed"), passing(Provider.MODELGATES, jobId));
  }

  @Test
  void downloaderUpdatesOfACompletedJob_shouldNotPassAgain() throws Exception {
    String jobId = record("openrouter-completed.json", Provider.OPENROUTER);
    JobKey job = new JobKey("acme", Provider.OPENROUTER, jobId);
    // two failed attempts noted (status stays completed), then the last one gives up; each one
    // under the lease it claimed (claim, count, release)
    store.recordDownloadFailure(
        TestJobs.lease(store, job, Instant.now()), "connection reset", Instant.now(), 3);
    store.recordDownloadFailure(
        TestJobs.lease(store, job, Instant.now()), "timeout", Instant.now(), 3);
    store.recordDownloadFailure(
        TestJobs.lease(store, job, Instant.now()), "timeout", Instant.now(), 3);

    assertEquals(JobStatus.DOWNLOAD_FAILED, store.find(job).orElseThrow().status());
    assertEquals(
        List.of(
            "INSERT ->completed",
            "MODIFY completed->completed",
            "MODIFY completed->completed",
            "MODIFY completed->completed",
            "MODIFY completed->completed",
            "MODIFY completed->completed",
            "MODIFY completed->completed",
            "MODIFY completed->completed",
            "MODIFY completed->completed",
            "MODIFY completed->download_failed"),
        all(Provider.OPENROUTER, jobId),
        "the writes this test makes, as the stream carries them");
    assertEquals(List.of("INSERT ->completed"), passing(Provider.OPENROUTER, jobId));
  }

  @Test
  void storedJob_shouldNotPassAgain() throws Exception {
    String jobId = record("modelgates-completed.json", Provider.MODELGATES);
    JobKey job = new JobKey("acme", Provider.MODELGATES, jobId);
    store.markStored(TestJobs.lease(store, job, Instant.now()), "videos", List.of(), Instant.now());

    assertEquals(List.of("INSERT ->completed"), passing(Provider.MODELGATES, jobId));
  }

  @Test
  void failedJob_andDeliveryRecords_shouldNotPass() throws Exception {
    String failed = record("openrouter-failed.json", Provider.OPENROUTER);
    String completed = record("modelgates-completed.json", Provider.MODELGATES);

    assertEquals(List.of(), passing(Provider.OPENROUTER, failed));
    List<Record> records = streamRecords();
    assertEquals(
        List.of(new JobKey("acme", Provider.MODELGATES, completed)),
        records.stream()
            .filter(r -> filter.matches(dynamodbKeyOnly(r)))
            .map(r -> JobItems.job(r.dynamodb().newImage()).orElseThrow().key())
            .toList(),
        "of every record in the stream (delivery records included) only the completed job passes");
  }

  @Test
  void notifyPatterns_shouldPassEachTransitionOnce_onTheDynamodbKeyAlone() throws Exception {
    filter = new EventFilter(JobTable.NOTIFY_FILTER_PATTERNS);
    String failed = record("openrouter-failed.json", Provider.OPENROUTER);
    String completed = record("modelgates-completed.json", Provider.MODELGATES);
    JobKey job = new JobKey("acme", Provider.MODELGATES, completed);
    // a download's lease taken and released without a result, then taken again and stored
    store.releaseDownload(TestJobs.lease(store, job, Instant.now()));
    store.markStored(TestJobs.lease(store, job, Instant.now()), "videos", List.of(), Instant.now());

    assertEquals(List.of("INSERT ->failed"), passing(Provider.OPENROUTER, failed));
    assertEquals(List.of("MODIFY completed->stored"), passing(Provider.MODELGATES, completed));
  }

  @Test
  void providersFailure_thatReplacesTheReconcilersExpiry_shouldPassTheNotifyFilter_andBePublished()
      throws Exception {
    filter = new EventFilter(templatePatterns("NotifyFunction", "JobTransitions"));
    String jobId = eventJobId("openrouter-failed.json");
    JobKey job = new JobKey("acme", Provider.OPENROUTER, jobId);
    store.recordSubmitted(job, "google/veo-3.1-lite", "a lamp", Instant.now());
    store.expirePending(job, "no answer from the provider", Instant.now());
    record("openrouter-failed.json", Provider.OPENROUTER);

    assertEquals(JobStatus.FAILED, store.find(job).orElseThrow().status());
    assertEquals(
        List.of("MODIFY pending->expired", "MODIFY expired->failed"),
        passing(Provider.OPENROUTER, jobId));
    assertEquals(
        List.of(JobEvents.EXPIRED, JobEvents.FAILED),
        published(Provider.OPENROUTER, jobId),
        "consumers hear the reconciler's expiry, then the provider's verdict that replaced it");
  }

  @Test
  void providersCancellation_thatReplacesTheReconcilersExpiry_shouldPassTheNotifyFilter()
      throws Exception {
    filter = new EventFilter(templatePatterns("NotifyFunction", "JobTransitions"));
    // the failed sample, cancelled instead
    String cancelled =
        HttpApiEvents.load("events/openrouter-failed.json")
            .body()
            .replace("video.generation.failed", "video.generation.cancelled")
            .replace("\"status\":\"failed\"", "\"status\":\"cancelled\"");
    VideoEvent event = VideoEvent.parse(cancelled.getBytes(StandardCharsets.UTF_8)).orElseThrow();
    String jobId = event.jobId();
    JobKey job = new JobKey("acme", Provider.MODELGATES, jobId);
    store.recordSubmitted(job, "google/veo-3.1-lite", "a lamp", Instant.now());
    store.expirePending(job, "no answer from the provider", Instant.now());
    store.recordDelivery(
        new Delivery("acme", Provider.MODELGATES, event, cancelled, null, Instant.now()));

    assertEquals(JobStatus.CANCELLED, store.find(job).orElseThrow().status());

    assertEquals(
        List.of("MODIFY pending->expired", "MODIFY expired->cancelled"),
        passing(Provider.MODELGATES, jobId));
  }

  /** The Lambda filter patterns template.yaml declares on a function's stream event. */
  private List<String> templatePatterns(String function, String event) throws Exception {
    CloudFormationTemplate template = CloudFormationTemplate.load(Path.of("template.yaml"));
    Object filters =
        at(
            template.properties(function),
            "Events",
            event,
            "Properties",
            "FilterCriteria",
            "Filters");
    return list(filters).stream().map(f -> (String) at(f, "Pattern")).toList();
  }

  /**
   * The detail-types the notify handler publishes for the job's records that pass the filter, each
   * record handed over as Lambda would.
   */
  private List<String> published(Provider provider, String jobId) {
    List<JobEvent> events = new ArrayList<>();
    NotifyHandler notify = new NotifyHandler(events::add);
    DynamodbEvent batch = new DynamodbEvent();
    batch.setRecords(
        jobRecords(provider, jobId).stream()
            .filter(r -> filter.matches(dynamodbKeyOnly(r)))
            .map(LocalStreamPoller::toLambdaRecord)
            .toList());
    assertEquals(List.of(), notify.handleRequest(batch, null).getBatchItemFailures());
    return events.stream().map(JobEvent::detailType).toList();
  }

  /**
   * What Lambda filters a DynamoDB record on: its {@code dynamodb} key alone (the event name and
   * the rest of the record are not there to match).
   */
  private static Map<String, Object> dynamodbKeyOnly(Record record) {
    return Map.of("dynamodb", LocalStreamPoller.filterView(record).get("dynamodb"));
  }

  /** Records a sample API Gateway event's delivery, as the receiver would for tenant acme. */
  private String record(String sample, Provider provider) throws Exception {
    HttpApiRequest request = HttpApiEvents.load("events/" + sample);
    VideoEvent event =
        VideoEvent.parse(request.body().getBytes(StandardCharsets.UTF_8)).orElseThrow();
    store.recordDelivery(
        new Delivery("acme", provider, event, request.body(), null, Instant.now()));
    return event.jobId();
  }

  private static String eventJobId(String sample) throws Exception {
    HttpApiRequest request = HttpApiEvents.load("events/" + sample);
    return VideoEvent.parse(request.body().getBytes(StandardCharsets.UTF_8)).orElseThrow().jobId();
  }

  /** The job's stream records that pass the filter, as "EVENT old->new". */
  private List<String> passing(Provider provider, String jobId) {
    return jobRecords(provider, jobId).stream()
        .filter(r -> filter.matches(dynamodbKeyOnly(r)))
        .map(StreamFilterTest::describe)
        .toList();
  }

  private List<String> all(Provider provider, String jobId) {
    return jobRecords(provider, jobId).stream().map(StreamFilterTest::describe).toList();
  }

  private List<Record> jobRecords(Provider provider, String jobId) {
    JobKey key = new JobKey("acme", provider, jobId);
    return streamRecords().stream()
        .filter(r -> JobItems.job(image(r)).map(job -> job.key().equals(key)).orElse(false))
        .toList();
  }

  /** The record's new image, or its old one for a removal. */
  private static Map<String, AttributeValue> image(Record record) {
    return record.dynamodb().hasNewImage()
        ? record.dynamodb().newImage()
        : record.dynamodb().oldImage();
  }

  private static String describe(Record record) {
    var images = record.dynamodb();
    String before = images.hasOldImage() ? images.oldImage().get(JobTable.STATUS).s() : "";
    String after = images.hasNewImage() ? images.newImage().get(JobTable.STATUS).s() : "";
    return record.eventNameAsString() + " " + before + "->" + after;
  }

  /** Every record of the table's stream so far, shard by shard from the start. */
  private List<Record> streamRecords() {
    String arn = dynamoDb.describeTable(b -> b.tableName(table)).table().latestStreamArn();
    List<Record> records = new ArrayList<>();
    for (Shard shard : streams.describeStream(b -> b.streamArn(arn)).streamDescription().shards()) {
      String iterator =
          streams
              .getShardIterator(
                  b ->
                      b.streamArn(arn)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      while (iterator != null) {
        String from = iterator;
        var result = streams.getRecords(b -> b.shardIterator(from));
        records.addAll(result.records());
        if (result.records().isEmpty()) {
          break;
        }
        iterator = result.nextShardIterator();
      }
    }
    return records;
  }
}
