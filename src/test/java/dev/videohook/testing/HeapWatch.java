package dev.videohook.testing;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * This JVM's peak heap since {@link #reset}, in two readings: the highest use seen at any time
 * (garbage included, so it depends on -Xmx and the collector) and the highest use left after a
 * collection (the live set), taken from the collectors' notifications. Measures the whole JVM: a
 * bench that wants one series' heap runs that series in a JVM of its own.
 */
public final class HeapWatch implements AutoCloseable {
  private final AtomicLong peakAfterGc = new AtomicLong();
  private final List<Runnable> removals = new ArrayList<>();

  public HeapWatch() {
    NotificationListener listener =
        (notification, handback) -> {
          if (!notification
              .getType()
              .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
            return;
          }
          var info =
              GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
          long after = 0;
          for (Map.Entry<String, MemoryUsage> pool :
              info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (isHeapPool(pool.getKey())) {
              after += pool.getValue().getUsed();
            }
          }
          peakAfterGc.accumulateAndGet(after, Math::max);
        };
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        removals.add(
            () -> {
              try {
                emitter.removeNotificationListener(listener);
              } catch (ListenerNotFoundException ignored) {
                // already gone
              }
            });
      }
    }
  }

  private static boolean isHeapPool(String name) {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .anyMatch(p -> p.getName().equals(name) && p.getType() == MemoryType.HEAP);
  }

  /** Collects, then starts both peaks again from the heap left. */
  public void reset() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    peakAfterGc.set(currentHeapUsed());
  }

  /**
   * The highest heap use seen since {@link #reset} (or since the JVM started), garbage included.
   */
  public long peakUsed() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  /** The highest heap use left after a collection since {@link #reset}. */
  public long peakAfterGc() {
    return peakAfterGc.get();
  }

  private static long currentHeapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Override
  public void close() {
    removals.forEach(Runnable::run);
  }
}
