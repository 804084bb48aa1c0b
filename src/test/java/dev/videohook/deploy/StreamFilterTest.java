package dev.videohook.deploy;

import static dev.videohook.deploy.CloudFormationTemplate.at;
import static dev.videohook.deploy.CloudFormationTemplate.list;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.videohook.download.CompletedJob;
import dev.videohook.download.StoredVideos;
import dev.videohook.event.VideoEvent;
import dev.videohook.job.Delivery;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.JobTable;
import dev.videohook.local.EventFilter;
import dev.videohook.local.LocalStreamPoller;
import dev.videohook.local.SharedDynamoDb;
import dev.videohook.provider.Provider;
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
 * real writes produce on DynamoDB Local: the downloader sees a job's transition to {@code
 * completed}, once, and nothing else (not its delivery records, not its later updates).
 */
class StreamFilterTest {
  private DynamoDbClient dynamoDb;
  private DynamoDbStreamsClient streams;
  private String table;
  private JobStore store;
  private EventFilter filter;

  @BeforeEach
  void setUp() throws Exception {
    dynamoDb = SharedDynamoDb.get().client();
    streams = SharedDynamoDb.get().streamsClient();
    table = SharedDynamoDb.newJobTable();
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
        "acme", "openrouter", jobId, "google/veo-3.1-lite", "a lamp", Instant.now());
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
    StoredVideos videos = new StoredVideos(dynamoDb, table);
    CompletedJob job = new CompletedJob("acme", Provider.OPENROUTER, jobId, List.of());
    // two failed attempts noted (status stays completed), then the last one gives up
    videos.recordFailure(job, "connection reset", Instant.now(), 3);
    videos.recordFailure(job, "timeout", Instant.now(), 3);
    videos.recordFailure(job, "timeout", Instant.now(), 3);

    assertEquals(
        JobStatus.DOWNLOAD_FAILED.value(),
        store.findJob("acme", "openrouter", jobId).orElseThrow().get(JobTable.STATUS).s());
    assertEquals(
        List.of(
            "INSERT ->completed",
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
    String key = JobTable.jobKey("acme", Provider.MODELGATES.id(), jobId);
    dynamoDb.updateItem(
        b ->
            b.tableName(table)
                .key(Map.of(JobTable.PK, AttributeValue.fromS(key)))
                .updateExpression("SET #s = :stored")
                .expressionAttributeNames(Map.of("#s", JobTable.STATUS))
                .expressionAttributeValues(
                    Map.of(":stored", AttributeValue.fromS(JobStatus.STORED.value()))));

    assertEquals(List.of("INSERT ->completed"), passing(Provider.MODELGATES, jobId));
  }

  @Test
  void failedJob_andDeliveryRecords_shouldNotPass() throws Exception {
    String failed = record("openrouter-failed.json", Provider.OPENROUTER);
    String completed = record("modelgates-completed.json", Provider.MODELGATES);

    assertEquals(List.of(), passing(Provider.OPENROUTER, failed));
    List<Record> records = streamRecords();
    assertEquals(
        List.of(JobTable.jobKey("acme", "modelgates", completed)),
        records.stream()
            .filter(r -> filter.matches(LocalStreamPoller.filterView(r)))
            .map(r -> r.dynamodb().keys().get(JobTable.PK).s())
            .toList(),
        "of every record in the stream (delivery records included) only the completed job passes");
  }

  /** Records a sample API Gateway event's delivery, as the receiver would for tenant acme. */
  private String record(String sample, Provider provider) throws Exception {
    APIGatewayV2HTTPEvent request = EventLoader.loadApiGatewayHttpEvent("events/" + sample);
    VideoEvent event =
        VideoEvent.parse(request.getBody().getBytes(StandardCharsets.UTF_8)).orElseThrow();
    store.record(new Delivery("acme", provider, event, request.getBody(), null, Instant.now()));
    return event.jobId();
  }

  private static String eventJobId(String sample) throws Exception {
    APIGatewayV2HTTPEvent request = EventLoader.loadApiGatewayHttpEvent("events/" + sample);
    return VideoEvent.parse(request.getBody().getBytes(StandardCharsets.UTF_8))
        .orElseThrow()
        .jobId();
  }

  /** The job's stream records that pass the filter, as "EVENT old->new". */
  private List<String> passing(Provider provider, String jobId) {
    return jobRecords(provider, jobId).stream()
        .filter(r -> filter.matches(LocalStreamPoller.filterView(r)))
        .map(StreamFilterTest::describe)
        .toList();
  }

  private List<String> all(Provider provider, String jobId) {
    return jobRecords(provider, jobId).stream().map(StreamFilterTest::describe).toList();
  }

  private List<Record> jobRecords(Provider provider, String jobId) {
    String key = JobTable.jobKey("acme", provider.id(), jobId);
    return streamRecords().stream()
        .filter(r -> key.equals(r.dynamodb().keys().get(JobTable.PK).s()))
        .toList();
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
