package dev.videohook.deploy;

import static dev.videohook.deploy.CloudFormationTemplate.at;
import static dev.videohook.deploy.CloudFormationTemplate.list;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.event.VideoEvent;
import dev.videohook.job.Delivery;
import dev.videohook.job.JobItems;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStore;
import dev.videohook.local.SharedDynamoDb;
import dev.videohook.provider.Provider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The template's FilterCriteria against the items the receiver really writes (on DynamoDB Local):
 * the downloader sees a job that has just completed, and nothing else.
 */
class StreamFilterTest {
  private DynamoDbClient dynamoDb;
  private String table;
  private JobStore store;
  private Map<String, Object> pattern;

  @BeforeEach
  void setUp() throws Exception {
    dynamoDb = SharedDynamoDb.get().client();
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
    pattern = JSON.std.mapFrom((String) at(list(filters).get(0), "Pattern"));
  }

  @Test
  void completedJob_shouldPassTheFilter_andItsDeliveryRecordShouldNot() throws Exception {
    String jobId = record("openrouter-completed.json", Provider.OPENROUTER);

    assertTrue(passes(job(Provider.OPENROUTER, jobId)));
    assertFalse(passes(delivery(Provider.OPENROUTER, jobId, jobId + "-completed")));
  }

  @Test
  void failedJob_shouldNotPassTheFilter() throws Exception {
    String jobId = record("openrouter-failed.json", Provider.OPENROUTER);
    assertFalse(passes(job(Provider.OPENROUTER, jobId)));
  }

  @Test
  void storedJob_shouldNotPassTheFilterAgain() throws Exception {
    String jobId = record("modelgates-completed.json", Provider.MODELGATES);
    store.markStored(
        new JobKey("acme", Provider.MODELGATES, jobId), "videos", List.of(), Instant.now());

    assertFalse(passes(job(Provider.MODELGATES, jobId)));
  }

  /** Records the event of a sample API Gateway event, as the receiver would for tenant acme. */
  private String record(String sample, Provider provider) throws Exception {
    APIGatewayV2HTTPEvent request = EventLoader.loadApiGatewayHttpEvent("events/" + sample);
    byte[] body = request.getBody().getBytes(StandardCharsets.UTF_8);
    VideoEvent event = VideoEvent.parse(body).orElseThrow();
    store.recordDelivery(
        new Delivery("acme", provider, event, request.getBody(), null, Instant.now()));
    return event.jobId();
  }

  /** The job item as stored, as the stream's NewImage carries it. */
  private Map<String, AttributeValue> job(Provider provider, String jobId) {
    return JobItems.toItem(store.find(new JobKey("acme", provider, jobId)).orElseThrow());
  }

  private Map<String, AttributeValue> delivery(Provider provider, String jobId, String dedupeKey) {
    return JobItems.toItem(
        store.findDelivery(new JobKey("acme", provider, jobId), dedupeKey).orElseThrow());
  }

  /** Whether a stream record whose NewImage is this item passes the filter. */
  private boolean passes(Map<String, AttributeValue> newImage) {
    Map<String, Object> image = new HashMap<>();
    newImage.forEach((name, value) -> image.put(name, typed(value)));
    return matches(pattern, Map.of("eventName", "MODIFY", "dynamodb", Map.of("NewImage", image)));
  }

  private static Map<String, Object> typed(AttributeValue value) {
    if (value.s() != null) {
      return Map.of("S", value.s());
    }
    if (value.n() != null) {
      return Map.of("N", value.n());
    }
    if (value.bool() != null) {
      return Map.of("BOOL", value.bool());
    }
    return Map.of("L", value.l().size()); // lists are never filtered on here
  }

  /**
   * Lambda's event filtering for the only kind of pattern this project uses: nested objects whose
   * leaves are lists of literal values (one of them must equal the event's value).
   */
  static boolean matches(Map<String, Object> pattern, Map<String, Object> event) {
    for (Map.Entry<String, Object> field : pattern.entrySet()) {
      Object value = event.get(field.getKey());
      if (field.getValue() instanceof Map<?, ?> nested) {
        if (!(value instanceof Map<?, ?> inner)
            || !matches(CloudFormationTemplate.map(nested), CloudFormationTemplate.map(inner))) {
          return false;
        }
      } else {
        List<Object> allowed = list(field.getValue());
        if (allowed.stream().anyMatch(a -> a instanceof Map)) {
          throw new AssertionError("this test does not evaluate filter operators: " + allowed);
        }
        if (!allowed.contains(value)) {
          return false;
        }
      }
    }
    return true;
  }
}
