package dev.videohook.testing;

import dev.videohook.local.LocalS3;
import java.util.concurrent.atomic.AtomicInteger;

/** One S3Proxy (transient store) for the whole test run; each test gets its own bucket. */
public final class SharedS3 {
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private static LocalS3 instance;

  private SharedS3() {}

  public static synchronized LocalS3 get() {
    if (instance == null) {
      instance = LocalS3.start();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::close));
    }
    return instance;
  }

  /** A new, empty bucket. */
  public static String newBucket() {
    String name = "videos-" + BUCKETS.incrementAndGet();
    get().createBucket(name);
    return name;
  }
}
