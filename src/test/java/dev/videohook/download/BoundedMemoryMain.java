package dev.videohook.download;

import dev.videohook.job.StoredObject;
import dev.videohook.local.LocalS3;
import dev.videohook.provider.Provider;
import dev.videohook.testing.HeapWatch;
import java.net.URI;
import java.util.List;

/**
 * Run in a child JVM with a small heap by {@link BoundedMemoryTest}: streams one video from {@code
 * args[0]} through {@link VideoDownloader} into the S3 endpoint {@code args[1]}, bucket {@code
 * args[2]}, and prints {@code size=N sha256=HEX peakHeap=BYTES}.
 */
public final class BoundedMemoryMain {
  private BoundedMemoryMain() {}

  public static void main(String[] args) {
    URI source = URI.create(args[0]);
    URI endpoint = URI.create(args[1]);
    String bucket = args[2];
    VideoDownloader downloader =
        VideoDownloader.builder(
                new StreamingUploader(LocalS3.client(endpoint), bucket), DownloadFixture.secrets())
            .allowLoopbackHttp(true)
            .build();
    try (HeapWatch heap = new HeapWatch()) {
      List<StoredObject> stored =
          downloader.download(
              new CompletedJob("memory", Provider.OPENROUTER, "big", List.of(source.toString())));
      StoredObject object = stored.get(0);
      System.out.println(
          "size=" + object.size() + " sha256=" + object.sha256() + " peakHeap=" + heap.peakUsed());
    }
  }
}
