package dev.videohook.testing;

import dev.videohook.local.LocalS3;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One S3 for the whole test run ({@link LocalS3}: moto's S3 in a moto process of its own, apart
 * from {@link SharedMoto}'s); each test gets its own bucket. For an S3 fault mid-upload, put a
 * {@link TcpProxy} in front of {@code get().endpoint()} and hand the downloader a client of the
 * proxy ({@code LocalS3.client(proxy.endpoint())}); {@link TcpProxy#cut()} then drops the upload
 * while this S3 keeps what it holds.
 */
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
