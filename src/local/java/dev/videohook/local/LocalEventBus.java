package dev.videohook.local;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The local stack's downstream events, on moto's EventBridge as in AWS: a custom bus that the
 * notify handler's {@code EventBridgePublisher} puts events on, and a rule with the pattern of docs/events.md
 * for every event of the stack ({@link #EVERY_EVENT_PATTERN}) delivering them to an SQS queue. This
 * reads that queue and keeps the most recent envelopes it received (id, source, detail-type, time,
 * detail, …), newest last, for {@code GET /events} and the jobs page.
 */
public final class LocalEventBus implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalEventBus.class);

  static final int KEEP = 200;

  /** docs/events.md's rule for every event videohook publishes. */
  public static final String EVERY_EVENT_PATTERN = "{\"source\":[\"videohook\"]}";

  /**
   * How long the reader waits when the queue was empty. No long poll: moto serves one request at a
   * time, and a waiting ReceiveMessage would hold every other request back.
   */
  private static final long IDLE_MILLIS = 250;

  private final SqsClient sqs;
  private final String busName;
  private final String queueUrl;
  private final List<Map<String, Object>> events = new ArrayList<>();
  private final int keep;
  private final Thread reader;
  private volatile boolean closed;

  private LocalEventBus(SqsClient sqs, String busName, String queueUrl, int keep) {
    this.sqs = sqs;
    this.keep = keep;
    this.busName = busName;
    this.queueUrl = queueUrl;
    this.reader = new Thread(this::read, "local-event-reader-" + busName);
    reader.setDaemon(true);
  }

  /**
   * Creates the bus {@code busName}, a queue of the same name and the rule between them, and starts
   * reading the queue.
   */
  public static LocalEventBus create(EventBridgeClient events, SqsClient sqs, String busName) {
    return create(events, sqs, busName, KEEP);
  }

  /** As {@link #create(EventBridgeClient, SqsClient, String)}, keeping the last {@code keep}. */
  static LocalEventBus create(EventBridgeClient events, SqsClient sqs, String busName, int keep) {
    events.createEventBus(b -> b.name(busName));
    String url = sqs.createQueue(b -> b.queueName(busName)).queueUrl();
    String arn =
        sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String rule = busName + "-every-event";
    events.putRule(b -> b.eventBusName(busName).name(rule).eventPattern(EVERY_EVENT_PATTERN));
    events.putTargets(
        b ->
            b.eventBusName(busName)
                .rule(rule)
                .targets(Target.builder().id("local-events-queue").arn(arn).build()));
    LocalEventBus bus = new LocalEventBus(sqs, busName, url, keep);
    bus.reader.start();
    return bus;
  }

  /** The bus the notify handler publishes to ({@code EVENT_BUS_NAME} in AWS). */
  public String busName() {
    return busName;
  }

  /** The queue the rule delivers to. */
  public String queueUrl() {
    return queueUrl;
  }

  /** The events received, oldest first. */
  public synchronized List<Map<String, Object>> events() {
    return List.copyOf(events);
  }

  private void read() {
    boolean warned = false;
    while (!closed) {
      try {
        List<Message> messages =
            sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)).messages();
        warned = false;
        if (messages.isEmpty()) {
          TimeUnit.MILLISECONDS.sleep(IDLE_MILLIS);
          continue;
        }
        List<DeleteMessageBatchRequestEntry> received = new ArrayList<>();
        for (Message message : messages) {
          keep(message.body());
          received.add(
              DeleteMessageBatchRequestEntry.builder()
                  .id(Integer.toString(received.size()))
                  .receiptHandle(message.receiptHandle())
                  .build());
        }
        sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(received));
      } catch (InterruptedException e) {
        return;
      } catch (SdkException e) {
        if (closed) {
          return;
        }
        if (!warned) {
          LOG.warn("downstream events could not be read from {}: {}", queueUrl, e.toString());
          warned = true;
        }
        try {
          TimeUnit.MILLISECONDS.sleep(IDLE_MILLIS);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  private synchronized void keep(String body) {
    try {
      events.add(JSON.std.mapFrom(body));
    } catch (IOException e) {
      LOG.warn("a message on {} is not an event envelope; dropped", queueUrl);
      return;
    }
    if (events.size() > keep) {
      events.remove(0);
    }
  }

  @Override
  public void close() {
    closed = true;
    reader.interrupt();
    try {
      reader.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
