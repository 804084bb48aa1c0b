package dev.videohook.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.TestJobs;
import dev.videohook.local.LocalEventBus;
import dev.videohook.provider.Provider;
import dev.videohook.testing.Await;
import dev.videohook.testing.SharedMoto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The publisher on the wire, on moto's EventBridge: a bus, rules with event patterns, SQS queues as
 * their targets, as a team subscribes in AWS. The sample rules are read from docs/events.md.
 */
class EventBridgePublisherTest {
  private static final AtomicInteger BUSES = new AtomicInteger();
  private static final Instant AT = Instant.parse("2026-11-30T08:00:00Z");

  private final EventBridgeClient events = SharedMoto.get().eventsClient();
  private final SqsClient sqs = SharedMoto.get().sqsClient();
  private final String bus = "videohook-events-" + BUSES.incrementAndGet();

  @BeforeEach
  void createBus() {
    events.createEventBus(b -> b.name(bus));
  }

  @Test
  void everyEventTheNotifyFunctionPublishes_reachesARuleOnItsSource_asTheFullEnvelope()
      throws Exception {
    String queue = subscribe("every", "{\"source\":[\"videohook\"]}");
    EventBridgePublisher publisher = new EventBridgePublisher(events, bus);
    List<JobEvent> published = new ArrayList<>();
    for (JobStatus status : JobEvents.DETAIL_TYPES.keySet()) {
      JobEvent event = JobEvents.of(TestJobs.job(key("acme", status), status, List.of(), AT));
      publisher.publish(event);
      published.add(event);
    }

    List<Map<String, Object>> received = receive(queue, published.size());

    assertEquals(
        published.stream().map(JobEvent::detailType).collect(Collectors.toSet()),
        received.stream().map(e -> e.get("detail-type")).collect(Collectors.toSet()));
    for (Map<String, Object> envelope : received) {
      assertEquals(JobEvents.SOURCE, envelope.get("source"));
      JobEvent sent =
          published.stream()
              .filter(e -> e.detailType().equals(envelope.get("detail-type")))
              .findFirst()
              .orElseThrow();
      assertEquals(JSON.std.anyFrom(JSON.std.asString(sent.detail())), envelope.get("detail"));
    }
  }

  @Test
  void readmesSampleRule_matchesTheStoredEventsOfItsTenant_andNoOther() throws Exception {
    String queue = subscribe("readme", sampleRulePattern());
    String control = subscribe("every", "{\"source\":[\"videohook\"]}");
    EventBridgePublisher publisher = new EventBridgePublisher(events, bus);
    int sent = 0;
    for (String tenant : List.of("acme", "globex")) {
      for (JobStatus status : JobEvents.DETAIL_TYPES.keySet()) {
        publisher.publish(JobEvents.of(TestJobs.job(key(tenant, status), status, List.of(), AT)));
        sent++;
      }
    }

    receive(control, sent); // every event has been delivered by now
    List<Map<String, Object>> matched = receive(queue, 1);

    assertEquals(1, matched.size());
    assertEquals(JobEvents.STORED, matched.get(0).get("detail-type"));
    assertEquals("acme", ((Map<?, ?>) matched.get(0).get("detail")).get("tenant"));
    assertEquals(
        List.of(),
        sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(1)).messages(),
        "nothing else matched");
  }

  @Test
  void readmesEveryEventRule_matchesEachEventTypeTheNotifyFunctionPublishes_andIsTheLocalRule()
      throws Exception {
    String pattern = rulePattern("EveryVideohookEventRule");
    String queue = subscribe("readme-every", pattern);
    EventBridgePublisher publisher = new EventBridgePublisher(events, bus);
    Set<String> published = new HashSet<>();
    for (JobStatus status : JobEvents.DETAIL_TYPES.keySet()) {
      JobEvent event = JobEvents.of(TestJobs.job(key("globex", status), status, List.of(), AT));
      publisher.publish(event);
      published.add(event.detailType());
    }

    List<Map<String, Object>> received = receive(queue, published.size());

    assertEquals(
        published, received.stream().map(e -> e.get("detail-type")).collect(Collectors.toSet()));
    assertEquals(
        JSON.std.anyFrom(LocalEventBus.EVERY_EVENT_PATTERN),
        JSON.std.anyFrom(pattern),
        "the local stack's rule is docs/events.md's");
  }

  /** The EventPattern of docs/events.md's sample rule, as JSON. */
  private static String sampleRulePattern() throws IOException {
    return rulePattern("AcmeVideosRule");
  }

  /** The EventPattern of docs/events.md's rule {@code name}, as JSON. */
  private static String rulePattern(String name) throws IOException {
    String page = Files.readString(Path.of("docs/events.md"));
    int rule = page.indexOf(name + ":");
    String yaml = page.substring(rule, page.indexOf("```", rule));
    Map<String, Map<String, Map<String, Object>>> parsed = new Yaml().load(yaml);
    return JSON.std.asString(parsed.get(name).get("Properties").get("EventPattern"));
  }

  private static JobKey key(String tenant, JobStatus status) {
    return new JobKey(tenant, Provider.OPENROUTER, "job_" + status.value());
  }

  /** A queue subscribed to the bus by a rule with {@code pattern}; its URL. */
  private String subscribe(String name, String pattern) {
    String url = sqs.createQueue(b -> b.queueName(bus + "-" + name)).queueUrl();
    String arn =
        sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    events.putRule(b -> b.eventBusName(bus).name(name).eventPattern(pattern));
    events.putTargets(
        b -> b.eventBusName(bus).rule(name).targets(Target.builder().id(name).arn(arn).build()));
    return url;
  }

  /** Reads {@code count} events from the queue (their envelopes), waiting for them to arrive. */
  private List<Map<String, Object>> receive(String queue, int count) {
    List<Map<String, Object>> received = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Await.until(
        () -> {
          for (Message message :
              sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10)).messages()) {
            if (seen.add(message.messageId())) {
              received.add(envelope(message.body()));
            }
            sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(message.receiptHandle()));
          }
          return received.size() >= count;
        },
        count + " events on " + queue);
    return received;
  }

  private static Map<String, Object> envelope(String body) {
    try {
      return JSON.std.mapFrom(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
