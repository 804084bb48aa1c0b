package dev.videohook.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;

/**
 * SnapStart priming: before Lambda takes the snapshot, one harmless DynamoDB call (a GetItem on a
 * key no item ever has) loads and initialises the SDK's request path (marshalling, signing, HTTP,
 * response parsing), so the first request after a restore does not pay for it. Outside a CRaC JVM
 * registering does nothing.
 */
public final class Priming implements Resource {
  private static final Logger LOG = LoggerFactory.getLogger(Priming.class);

  /** The only key priming reads; job and delivery keys start with "job#" and "delivery#". */
  public static final String KEY = "priming#snapstart";

  /** What priming calls; template.yaml grants it on {@link #KEY} only (dynamodb:LeadingKeys). */
  public static final Set<String> AWS_ACTIONS = Set.of("dynamodb:GetItem");

  /** CRaC holds resources weakly: keep them reachable for the life of the JVM. */
  private static final List<Priming> REGISTERED = new CopyOnWriteArrayList<>();

  private final DynamoDbClient dynamoDb;
  private final String tableName;

  Priming(DynamoDbClient dynamoDb, String tableName) {
    this.dynamoDb = dynamoDb;
    this.tableName = tableName;
  }

  /** Primes {@code dynamoDb} before a SnapStart snapshot. */
  public static void register(DynamoDbClient dynamoDb, String tableName) {
    Priming priming = new Priming(dynamoDb, tableName);
    REGISTERED.add(priming);
    Core.getGlobalContext().register(priming);
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    prime();
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // nothing to refresh: clients hold no connections worth keeping across a restore
  }

  /** The priming call; a failure is logged and never stops the snapshot. */
  void prime() {
    try {
      dynamoDb.getItem(
          GetItemRequest.builder()
              .tableName(tableName)
              .key(Map.of(dev.videohook.job.JobTable.PK, AttributeValue.builder().s(KEY).build()))
              .build());
    } catch (RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("error", e.getClass().getSimpleName())
          .log("SnapStart priming call failed");
    }
  }
}
