package dev.videohook.local;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One DynamoDB Local for the whole test run (it takes seconds to start in a cold JVM); each test
 * gets its own table, so tests never see each other's items.
 */
public final class SharedDynamoDb {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static LocalDynamoDb instance;

  private SharedDynamoDb() {}

  public static synchronized LocalDynamoDb get() {
    if (instance == null) {
      instance = LocalDynamoDb.start();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::close));
    }
    return instance;
  }

  /** A new, empty jobs table. */
  public static String newJobTable() {
    String name = "jobs-" + TABLES.incrementAndGet();
    get().createJobTable(name);
    return name;
  }
}
