package dev.videohook.local;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Stands in for Lambda's DynamoDB stream event source mapping: reads the table's stream through the
 * real Streams API (DescribeStream, GetShardIterator, GetRecords), applies the same filter as the
 * template, invokes the handler with the same {@link DynamodbEvent} shape, and retries the records
 * it reports as failed, from the first failed one on, like {@code ReportBatchItemFailures}. A batch
 * that still fails goes to {@link #failedBatches()}, the local on-failure destination.
 */
public final class LocalStreamPoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalStreamPoller.class);

  private final DynamoDbStreamsClient streams;
  private final String streamArn;
  private final Function<DynamodbEvent, StreamsEventResponse> handler;
  private final EventFilter filter;
  private final int batchSize;
  private final int maxRetries;
  private final Duration retryDelay;
  private final Map<String, String> iterators = new ConcurrentHashMap<>();
  private final Set<String> finishedShards = ConcurrentHashMap.newKeySet();
  private final List<List<DynamodbEvent.DynamodbStreamRecord>> failedBatches =
      new CopyOnWriteArrayList<>();
  private final OnFailure onFailure;
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * Where a batch given up on goes besides {@link #failedBatches()}, as the event source mapping's
   * on-failure destination.
   */
  @FunctionalInterface
  public interface OnFailure {
    /**
     * @param invokeCount how many times the handler was called with (part of) the batch
     */
    void failed(
        String streamArn,
        String shardId,
        List<DynamodbEvent.DynamodbStreamRecord> batch,
        int invokeCount);
  }

  public LocalStreamPoller(
      DynamoDbClient dynamoDb,
      DynamoDbStreamsClient streams,
      String tableName,
      List<String> filterPatterns,
      Function<DynamodbEvent, StreamsEventResponse> handler,
      int batchSize,
      int maxRetries,
      Duration retryDelay) {
    this(
        dynamoDb,
        streams,
        tableName,
        filterPatterns,
        handler,
        batchSize,
        maxRetries,
        retryDelay,
        (arn, shard, batch, count) -> {});
  }

  public LocalStreamPoller(
      DynamoDbClient dynamoDb,
      DynamoDbStreamsClient streams,
      String tableName,
      List<String> filterPatterns,
      Function<DynamodbEvent, StreamsEventResponse> handler,
      int batchSize,
      int maxRetries,
      Duration retryDelay,
      OnFailure onFailure) {
    this.onFailure = onFailure;
    this.streams = streams;
    this.streamArn = dynamoDb.describeTable(b -> b.tableName(tableName)).table().latestStreamArn();
    this.handler = handler;
    this.filter = new EventFilter(filterPatterns);
    this.batchSize = batchSize;
    this.maxRetries = maxRetries;
    this.retryDelay = retryDelay;
    this.thread = new Thread(this::run, "local-stream-poller");
    thread.setDaemon(true);
    thread.start();
  }

  /** Batches given up on after their retries: what the deployed on-failure destination gets. */
  public List<List<DynamodbEvent.DynamodbStreamRecord>> failedBatches() {
    return List.copyOf(failedBatches);
  }

  private void run() {
    while (running) {
      try {
        boolean any = false;
        for (Shard shard :
            streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards()) {
          any |= poll(shard.shardId());
        }
        if (!any) {
          Thread.sleep(100);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (running) {
          LOG.warn("stream poll failed, retrying: {}", e.toString());
          sleep(Duration.ofMillis(500));
        }
      }
    }
  }

  /** Reads one shard once; true when it had records. */
  private boolean poll(String shardId) {
    if (finishedShards.contains(shardId)) {
      return false;
    }
    String iterator =
        iterators.computeIfAbsent(
            shardId,
            id ->
                streams
                    .getShardIterator(
                        b ->
                            b.streamArn(streamArn)
                                .shardId(id)
                                .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                    .shardIterator());
    var result = streams.getRecords(b -> b.shardIterator(iterator).limit(100));
    if (result.nextShardIterator() == null) {
      finishedShards.add(shardId);
      iterators.remove(shardId);
    } else {
      iterators.put(shardId, result.nextShardIterator());
    }
    List<DynamodbEvent.DynamodbStreamRecord> matching = new ArrayList<>();
    for (Record record : result.records()) {
      if (!isKeysOnlyInsert(record) && filter.matches(filterView(record))) {
        matching.add(toLambdaRecord(record));
      }
    }
    for (int from = 0; from < matching.size(); from += batchSize) {
      deliver(shardId, matching.subList(from, Math.min(matching.size(), from + batchSize)));
    }
    return !result.records().isEmpty();
  }

  private void deliver(String shardId, List<DynamodbEvent.DynamodbStreamRecord> batch) {
    List<DynamodbEvent.DynamodbStreamRecord> pending = batch;
    int invokes = 0;
    for (int attempt = 0; attempt <= maxRetries && running; attempt++) {
      invokes++;
      int firstFailed = invoke(pending);
      if (firstFailed < 0) {
        return;
      }
      // like ReportBatchItemFailures: the records before the first failure are done
      pending = new ArrayList<>(pending.subList(firstFailed, pending.size()));
      if (attempt < maxRetries) {
        sleep(retryDelay.multipliedBy(1L << attempt));
      }
    }
    if (running) {
      LOG.warn(
          "stream batch of {} records failed after {} retries: sent to the on-failure list",
          pending.size(),
          maxRetries);
      try {
        onFailure.failed(streamArn, shardId, List.copyOf(pending), invokes);
      } catch (RuntimeException e) {
        LOG.error("a failed stream batch could not be sent to its destination: {}", e.toString());
      }
      // after the destination has it: who sees the batch listed can find it there too
      failedBatches.add(List.copyOf(pending));
    }
  }

  /** Index of the first failed record, or -1 when the batch succeeded. */
  private int invoke(List<DynamodbEvent.DynamodbStreamRecord> batch) {
    DynamodbEvent event = new DynamodbEvent();
    event.setRecords(new ArrayList<>(batch));
    StreamsEventResponse response;
    try {
      response = handler.apply(event);
    } catch (RuntimeException e) {
      LOG.warn("download handler threw: the whole batch is retried: {}", e.toString());
      return 0;
    }
    if (response == null
        || response.getBatchItemFailures() == null
        || response.getBatchItemFailures().isEmpty()) {
      return -1;
    }
    Set<String> failed = new HashSet<>();
    response.getBatchItemFailures().forEach(f -> failed.add(f.getItemIdentifier()));
    for (int i = 0; i < batch.size(); i++) {
      if (failed.contains(batch.get(i).getDynamodb().getSequenceNumber())) {
        return i;
      }
    }
    return 0; // an identifier we did not send: retry everything, as Lambda does
  }

  /**
   * moto's first record of an item-creating UpdateItem: an INSERT whose new image holds the keys
   * alone, followed by a second INSERT with the whole item (moto writes the keys, then the SETs;
   * see MOTO.md). DynamoDB emits one INSERT with the whole item, and no item of the jobs table is
   * ever keys alone, so such a record is moto's step, not a change: it is dropped.
   */
  static boolean isKeysOnlyInsert(Record record) {
    return "INSERT".equals(record.eventNameAsString())
        && record.dynamodb().hasNewImage()
        && record.dynamodb().newImage().keySet().equals(record.dynamodb().keys().keySet());
  }

  /** The record's JSON as event filtering sees it (images with their type descriptors). */
  public static Map<String, Object> filterView(Record record) {
    Map<String, Object> dynamodb = new LinkedHashMap<>();
    if (record.dynamodb().hasNewImage()) {
      dynamodb.put("NewImage", typed(record.dynamodb().newImage()));
    }
    if (record.dynamodb().hasOldImage()) {
      dynamodb.put("OldImage", typed(record.dynamodb().oldImage()));
    }
    dynamodb.put("Keys", typed(record.dynamodb().keys()));
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("eventName", record.eventNameAsString());
    view.put("dynamodb", dynamodb);
    return view;
  }

  private static Map<String, Object> typed(Map<String, AttributeValue> image) {
    Map<String, Object> typed = new HashMap<>();
    image.forEach(
        (name, value) -> {
          if (value.s() != null) {
            typed.put(name, Map.of("S", value.s()));
          } else if (value.n() != null) {
            typed.put(name, Map.of("N", value.n()));
          } else if (value.bool() != null) {
            typed.put(name, Map.of("BOOL", value.bool()));
          }
        });
    return typed;
  }

  public static DynamodbEvent.DynamodbStreamRecord toLambdaRecord(Record record) {
    DynamodbEvent.DynamodbStreamRecord lambda = new DynamodbEvent.DynamodbStreamRecord();
    lambda.setEventID(record.eventID());
    lambda.setEventName(record.eventNameAsString());
    lambda.setEventVersion(record.eventVersion());
    lambda.setEventSource("aws:dynamodb");
    lambda.setAwsRegion(record.awsRegion());
    StreamRecord stream = new StreamRecord();
    var source = record.dynamodb();
    stream.setSequenceNumber(source.sequenceNumber());
    stream.setSizeBytes(source.sizeBytes());
    stream.setStreamViewType(StreamViewType.fromValue(source.streamViewTypeAsString()));
    if (source.approximateCreationDateTime() != null) {
      stream.setApproximateCreationDateTime(Date.from(source.approximateCreationDateTime()));
    }
    stream.setKeys(lambdaImage(source.keys()));
    if (source.hasNewImage()) {
      stream.setNewImage(lambdaImage(source.newImage()));
    }
    if (source.hasOldImage()) {
      stream.setOldImage(lambdaImage(source.oldImage()));
    }
    lambda.setDynamodb(stream);
    return lambda;
  }

  /**
   * An image in Lambda's attribute type, as Lambda hands stream records to a function. Both types
   * are called AttributeValue: this converter is the one place that names Lambda's in full.
   */
  public static Map<
          String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue>
      lambdaImage(Map<String, AttributeValue> image) {
    Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue>
        converted = new HashMap<>();
    image.forEach((name, value) -> converted.put(name, convert(value)));
    return converted;
  }

  private static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue
      convert(AttributeValue value) {
    var converted =
        new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
    if (value.s() != null) {
      converted.setS(value.s());
    } else if (value.n() != null) {
      converted.setN(value.n());
    } else if (value.bool() != null) {
      converted.setBOOL(value.bool());
    } else if (value.b() != null) {
      converted.setB(ByteBuffer.wrap(value.b().asByteArray()));
    } else if (value.hasL()) {
      converted.setL(value.l().stream().map(LocalStreamPoller::convert).toList());
    } else if (value.hasM()) {
      converted.setM(lambdaImage(value.m()));
    } else if (value.hasSs()) {
      converted.setSS(value.ss());
    } else if (value.hasNs()) {
      converted.setNS(value.ns());
    } else if (Boolean.TRUE.equals(value.nul())) {
      converted.setNULL(true);
    }
    return converted;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
