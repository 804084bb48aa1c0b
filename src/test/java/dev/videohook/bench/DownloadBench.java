package dev.videohook.bench;

import dev.videohook.download.CompletedJob;
import dev.videohook.download.GeneratedBytes;
import dev.videohook.download.HeapWatch;
import dev.videohook.download.StreamingUploader;
import dev.videohook.download.VideoDownloader;
import dev.videohook.download.VideoServer;
import dev.videohook.local.LocalS3;
import dev.videohook.provider.Provider;
import dev.videohook.secrets.TenantSecrets;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Throughput of the downloader against a plain copy of the same bytes into S3Proxy, and heap.
 *
 * <pre>mvn -q -Pbench "-Dexec.args=--size-mib 1024"</pre>
 *
 * <p>(a) VideoDownloader: HTTP GET from a local server -> SHA-256 -> S3 multipart, 8 MiB parts. (b)
 * Baseline: the same bytes already in a local file -> S3 multipart, 8 MiB parts, one reused buffer,
 * no HTTP source and no hashing: what S3Proxy on this machine can take. (c) For context: the local
 * HTTP source alone, read and discarded. S3Proxy stores on disk in a temporary directory. Peak heap
 * is reported twice: the highest heap use seen (garbage included, so it depends on -Xmx and the
 * collector) and the highest heap use left after a collection (the live set).
 */
public final class DownloadBench {
  private static final long MIB = 1024 * 1024;

  private DownloadBench() {}

  public static void main(String[] args) throws Exception {
    long sizeMib = 256;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--size-mib") && i + 1 < args.length) {
        sizeMib = Long.parseLong(args[++i]);
      }
    }
    long size = sizeMib * MIB;
    Path work = Files.createTempDirectory("videohook-bench");
    HeapWatch heap = new HeapWatch();
    try (LocalS3 s3 = LocalS3.startOnDisk(work.resolve("s3"));
        VideoServer server = new VideoServer()) {
      s3.createBucket("bench");
      server.on("/video.mp4", VideoServer.generated(size, "video/mp4"));
      server.on("/warmup.mp4", VideoServer.generated(64 * MIB, "video/mp4"));
      VideoDownloader downloader =
          VideoDownloader.builder(new StreamingUploader(s3.client(), "bench"), noSecrets())
              .allowLoopbackHttp(true)
              .build();
      Path file = work.resolve("video.bin");
      try (OutputStream out = Files.newOutputStream(file)) {
        GeneratedBytes.write(out, size);
      }

      // warm up both paths so that neither pays for class loading and JIT alone
      downloader.download(job(server, "/warmup.mp4", "warmup"));
      plainMultipartCopy(s3.client(), "bench", "warmup-copy", file, 64 * MIB);

      heap.reset();
      long t0 = System.nanoTime();
      var stored = downloader.download(job(server, "/video.mp4", "bench")).get(0);
      double downloaderSeconds = seconds(t0);
      Measure a =
          new Measure(
              "a) VideoDownloader (HTTP -> sha256 -> S3 multipart)",
              size,
              downloaderSeconds,
              heap.peakUsed(),
              heap.peakAfterGc());

      heap.reset();
      t0 = System.nanoTime();
      plainMultipartCopy(s3.client(), "bench", "plain-copy", file, size);
      Measure b =
          new Measure(
              "b) plain copy (local file -> S3 multipart)",
              size,
              seconds(t0),
              heap.peakUsed(),
              heap.peakAfterGc());

      heap.reset();
      t0 = System.nanoTime();
      long read = readOnly(server);
      Measure c =
          new Measure(
              "c) HTTP source only (read, discard)",
              read,
              seconds(t0),
              heap.peakUsed(),
              heap.peakAfterGc());

      boolean correct =
          stored.size() == size && stored.sha256().equals(GeneratedBytes.sha256(size));
      System.out.printf(
          Locale.ROOT,
          "size: %d MiB, part size: %d MiB, max heap: %d MiB, stored object correct: %s%n",
          sizeMib,
          StreamingUploader.DEFAULT_PART_SIZE / MIB,
          Runtime.getRuntime().maxMemory() / MIB,
          correct);
      for (Measure m : List.of(a, b, c)) {
        System.out.println(m);
      }
      System.out.printf(Locale.ROOT, "ratio a/b: %.2f%n", a.mibPerSecond() / b.mibPerSecond());
      if (!correct) {
        throw new IllegalStateException("the stored object does not match the source");
      }
    } finally {
      heap.close();
      deleteTree(work);
    }
  }

  private static CompletedJob job(VideoServer server, String path, String id) {
    return new CompletedJob("bench", Provider.OPENROUTER, id, List.of(server.url(path).toString()));
  }

  /** S3 multipart from a file, 8 MiB parts from one reused buffer: no HTTP source, no hashing. */
  static void plainMultipartCopy(S3Client s3, String bucket, String key, Path file, long length)
      throws IOException {
    int partSize = StreamingUploader.DEFAULT_PART_SIZE;
    byte[] buffer = new byte[partSize];
    String uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
    List<CompletedPart> parts = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      for (long done = 0; done < length; ) {
        int n = in.readNBytes(buffer, 0, (int) Math.min(partSize, length - done));
        if (n == 0) {
          break;
        }
        int partNumber = parts.size() + 1;
        String etag =
            s3.uploadPart(
                    r ->
                        r.bucket(bucket)
                            .key(key)
                            .uploadId(uploadId)
                            .partNumber(partNumber)
                            .contentLength((long) n),
                    RequestBody.fromContentProvider(
                        () -> new ByteArrayInputStream(buffer, 0, n), n, "video/mp4"))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
        done += n;
      }
    }
    s3.completeMultipartUpload(
        r -> r.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
  }

  /** The same HTTP client the downloader uses, reading the body and nothing else. */
  private static long readOnly(VideoServer server) throws IOException, InterruptedException {
    OkHttpClient http = new OkHttpClient.Builder().protocols(List.of(Protocol.HTTP_1_1)).build();
    Request request = new Request.Builder().url(server.url("/video.mp4").toString()).build();
    try (Response response = http.newCall(request).execute();
        InputStream in = response.body().byteStream()) {
      return in.transferTo(OutputStream.nullOutputStream());
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static TenantSecrets noSecrets() {
    return new TenantSecrets() {
      @Override
      public List<String> webhookSecrets(String tenant, Provider provider) {
        return List.of();
      }

      @Override
      public Optional<String> apiKey(String tenant, Provider provider) {
        return Optional.empty();
      }
    };
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  record Measure(String name, long bytes, double seconds, long peakUsed, long peakAfterGc) {
    double mibPerSecond() {
      return bytes / (double) MIB / seconds;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%-55s %7.1f MiB/s  (%.2f s)  peak heap used %d MiB, peak heap after GC %d MiB",
          name,
          mibPerSecond(),
          seconds,
          peakUsed / MIB,
          peakAfterGc / MIB);
    }
  }
}
