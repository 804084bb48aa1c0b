package dev.videohook.testing;

import dev.videohook.local.MotoServer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One moto server for the whole test run (DynamoDB with Streams, Secrets Manager, EventBridge,
 * SQS); each test gets its own table, so tests never see each other's items. Stopped when the JVM
 * exits (and by the launcher itself, should the JVM die first).
 */
public final class SharedMoto {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static MotoServer instance;

  private SharedMoto() {}

  public static synchronized MotoServer get() {
    if (instance == null) {
      instance = MotoServer.start();
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
