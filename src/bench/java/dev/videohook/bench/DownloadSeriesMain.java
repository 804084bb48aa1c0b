package dev.videohook.bench;

import dev.videohook.download.CompletedJob;
import dev.videohook.download.StreamingUploader;
import dev.videohook.download.VideoDownloader;
import dev.videohook.job.StoredObject;
import dev.videohook.local.LocalS3;
import dev.videohook.provider.Provider;
import dev.videohook.secrets.EnvironmentTenantSecrets;
import dev.videohook.testing.HeapWatch;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One series of {@link DownloadBench}, run by it in a child JVM with a small heap, so that the heap
 * reported is this series' own: S3 and the HTTP source stay outside it. A warm-up transfer of
 * {@value #WARM_UP_MIB} MiB first (class loading and the JIT are not what is measured), then the
 * measured one, timed from its start to its end. Prints one line, {@code result nanos=N bytes=N
 * peakUsed=N peakAfterGc=N sha256=HEX}, the hash {@code -} where the series computes none.
 *
 * <pre>
 * downloader VIDEO_URL WARM_UP_URL S3_ENDPOINT BUCKET   HTTP -> sha256 -> S3 multipart
 * plain-copy FILE SIZE S3_ENDPOINT BUCKET               local file -> S3 multipart
 * source VIDEO_URL WARM_UP_URL                          HTTP read and discarded
 * </pre>
 */
public final class DownloadSeriesMain {
  static final long WARM_UP_MIB = 64;
  private static final long MIB = 1024 * 1024;

  private DownloadSeriesMain() {}

  /** What one transfer moved: its bytes, and their SHA-256 where the series computes it. */
  private record Moved(long bytes, String sha256) {}

  /** The warm-up transfer or the measured one. */
  @FunctionalInterface
  private interface Series {
    Moved transfer(boolean warmUp) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Series series =
        switch (args.length == 0 ? "" : args[0]) {
          case "downloader" ->
              downloader(URI.create(args[1]), URI.create(args[2]), URI.create(args[3]), args[4]);
          case "plain-copy" ->
              plainCopy(Path.of(args[1]), Long.parseLong(args[2]), URI.create(args[3]), args[4]);
          case "source" -> source(URI.create(args[1]), URI.create(args[2]));
          default ->
              throw new IllegalArgumentException(
                  "usage: downloader|plain-copy|source ..., not " + List.of(args));
        };
    series.transfer(true);
    try (HeapWatch heap = new HeapWatch()) {
      heap.reset();
      long t0 = System.nanoTime();
      Moved moved = series.transfer(false);
      long nanos = System.nanoTime() - t0;
      System.out.printf(
          Locale.ROOT,
          "result nanos=%d bytes=%d peakUsed=%d peakAfterGc=%d sha256=%s%n",
          nanos,
          moved.bytes(),
          heap.peakUsed(),
          heap.peakAfterGc(),
          moved.sha256());
    }
  }

  /** VideoDownloader: HTTP GET from the bench's server -> SHA-256 -> S3 multipart, 8 MiB parts. */
  private static Series downloader(URI video, URI warmUp, URI endpoint, String bucket) {
    VideoDownloader downloader =
        VideoDownloader.builder(
                new StreamingUploader(LocalS3.client(endpoint), bucket),
                new EnvironmentTenantSecrets(Map.of()))
            .allowLoopbackHttp(true)
            .build();
    return isWarmUp -> {
      URI source = isWarmUp ? warmUp : video;
      StoredObject stored =
          downloader
              .download(
                  new CompletedJob(
                      "bench",
                      Provider.OPENROUTER,
                      isWarmUp ? "warmup" : "bench",
                      List.of(source.toString())))
              .get(0);
      return new Moved(stored.size(), stored.sha256());
    };
  }

  /** The baseline: the same bytes already in a local file -> S3 multipart, no HTTP, no hashing. */
  private static Series plainCopy(Path file, long size, URI endpoint, String bucket) {
    S3Client s3 = LocalS3.client(endpoint);
    return isWarmUp ->
        isWarmUp
            ? plainMultipartCopy(s3, bucket, "warmup-copy", file, WARM_UP_MIB * MIB)
            : plainMultipartCopy(s3, bucket, "plain-copy", file, size);
  }

  /** S3 multipart from a file, 8 MiB parts from one reused buffer: no HTTP source, no hashing. */
  private static Moved plainMultipartCopy(
      S3Client s3, String bucket, String key, Path file, long length) throws IOException {
    int partSize = StreamingUploader.DEFAULT_PART_SIZE;
    byte[] buffer = new byte[partSize];
    String uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
    List<CompletedPart> parts = new ArrayList<>();
    long done = 0;
    try (InputStream in = Files.newInputStream(file)) {
      while (done < length) {
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
    return new Moved(done, "-");
  }

  /** For context: the same HTTP client the downloader uses, reading the body and nothing else. */
  private static Series source(URI video, URI warmUp) {
    OkHttpClient http = new OkHttpClient.Builder().protocols(List.of(Protocol.HTTP_1_1)).build();
    return isWarmUp -> {
      Request request = new Request.Builder().url((isWarmUp ? warmUp : video).toString()).build();
      try (Response response = http.newCall(request).execute();
          InputStream in = response.body().byteStream()) {
        return new Moved(in.transferTo(OutputStream.nullOutputStream()), "-");
      }
    };
  }
}
