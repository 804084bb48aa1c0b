package dev.videohook.bench;

import dev.videohook.download.StreamingUploader;
import dev.videohook.local.LocalS3;
import dev.videohook.simulator.GeneratedBytes;
import dev.videohook.testing.StreamingSource;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Throughput of the downloader against a plain copy of the same bytes into the local S3, and heap.
 *
 * <pre>mvn -q -Pbench -Dexec.args="download --size-mib 1024"</pre>
 *
 * <p>(a) VideoDownloader: HTTP GET from a local server -> SHA-256 -> S3 multipart, 8 MiB parts. (b)
 * Baseline: the same bytes already in a local file -> S3 multipart, 8 MiB parts, one reused buffer,
 * no HTTP source and no hashing: what the local S3 on this machine can take. (c) For context: the
 * local HTTP source alone, read and discarded. The HTTP source runs in this JVM and S3 (moto's, in
 * its own process: {@link LocalS3}) beside it; each series runs in a child JVM of its own ({@link
 * DownloadSeriesMain}, with {@value #CHILD_HEAP}), one after the other, so that the heap it reports
 * is that series' alone. Peak heap is reported twice: the highest heap use seen (garbage included,
 * so it depends on -Xmx and the collector) and the highest heap use left after a collection (the
 * live set).
 */
public final class DownloadBench {
  /** The bound: the downloader's heap at most 64 MiB, whatever the video's size. */
  static final String CHILD_HEAP = "-Xmx64m";

  private static final long MIB = 1024 * 1024;
  private static final long CHILD_TIMEOUT_MINUTES = 10;
  private static final Pattern RESULT =
      Pattern.compile(
          "^result nanos=(\\d+) bytes=(\\d+) peakUsed=(\\d+) peakAfterGc=(\\d+) sha256=(\\S+)$",
          Pattern.MULTILINE);

  private DownloadBench() {}

  public static void main(String[] args) throws Exception {
    long sizeMib = 256;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--size-mib") && i + 1 < args.length) {
        sizeMib = Long.parseLong(args[++i]);
      }
    }
    long size = sizeMib * MIB;
    // the project's classes and runtime jars: the test-scope jars stay here
    String classpath =
        String.join(
            File.pathSeparator,
            Path.of("target", "test-classes").toString(),
            Path.of("target", "classes").toString(),
            ColdStartBench.runtimeClasspath());
    Path work = Files.createTempDirectory("videohook-bench");
    try (LocalS3 s3 = LocalS3.start();
        StreamingSource server = new StreamingSource()) {
      s3.createBucket("bench");
      server.on("/video.mp4", StreamingSource.generated(size, "video/mp4"));
      server.on(
          "/warmup.mp4",
          StreamingSource.generated(DownloadSeriesMain.WARM_UP_MIB * MIB, "video/mp4"));
      Path file = work.resolve("video.bin");
      try (OutputStream out = Files.newOutputStream(file)) {
        GeneratedBytes.write(out, size);
      }
      String video = server.url("/video.mp4").toString();
      String warmUp = server.url("/warmup.mp4").toString();
      String endpoint = s3.endpoint().toString();

      Measure a =
          inChildJvm(
              "a) VideoDownloader (HTTP -> sha256 -> S3 multipart)",
              classpath,
              work,
              "downloader",
              video,
              warmUp,
              endpoint,
              "bench");
      Measure b =
          inChildJvm(
              "b) plain copy (local file -> S3 multipart)",
              classpath,
              work,
              "plain-copy",
              file.toString(),
              Long.toString(size),
              endpoint,
              "bench");
      Measure c =
          inChildJvm(
              "c) HTTP source only (read, discard)", classpath, work, "source", video, warmUp);

      boolean correct = a.bytes() == size && a.sha256().equals(GeneratedBytes.sha256(size));
      System.out.printf(
          Locale.ROOT,
          "size: %d MiB, part size: %d MiB, child JVM heap: %s, stored object correct: %s%n",
          sizeMib,
          StreamingUploader.DEFAULT_PART_SIZE / MIB,
          CHILD_HEAP,
          correct);
      for (Measure m : List.of(a, b, c)) {
        System.out.println(m);
      }
      System.out.printf(Locale.ROOT, "ratio a/b: %.2f%n", a.mibPerSecond() / b.mibPerSecond());
      if (!correct) {
        throw new IllegalStateException("the stored object does not match the source");
      }
    } finally {
      deleteTree(work);
    }
  }

  /**
   * Runs one series of {@link DownloadSeriesMain} in a fresh JVM with the same java and {@link
   * #CHILD_HEAP}, and reads its result line. A child that fails, hangs or prints no result line
   * fails the bench with what it printed: no row is ever made up.
   */
  static Measure inChildJvm(String name, String classpath, Path work, String... series)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                CHILD_HEAP,
                "-DVIDEOHOOK_LOG_FILE=target/download-bench-child.log",
                "-cp",
                classpath,
                DownloadSeriesMain.class.getName()));
    command.addAll(List.of(series));
    // to a file, not a pipe: the wait below needs no reader thread, and a hung child is seen
    Path output = work.resolve(series[0] + ".out");
    Process child =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    child.getOutputStream().close();
    boolean ended = child.waitFor(CHILD_TIMEOUT_MINUTES, TimeUnit.MINUTES);
    if (!ended) {
      child.destroyForcibly().waitFor();
    }
    String printed = Files.readString(output, StandardCharsets.UTF_8);
    Matcher result = RESULT.matcher(printed);
    boolean found = result.find();
    if (!ended || child.exitValue() != 0 || !found) {
      String why =
          !ended
              ? "did not end within " + CHILD_TIMEOUT_MINUTES + " minutes and was killed"
              : child.exitValue() != 0
                  ? "exited with " + child.exitValue()
                  : "printed no result line";
      throw new IllegalStateException(
          String.format(Locale.ROOT, "%s: the child JVM %s; it printed:%n%s", name, why, printed));
    }
    return new Measure(
        name,
        Long.parseLong(result.group(2)),
        Long.parseLong(result.group(1)) / 1e9,
        Long.parseLong(result.group(3)),
        Long.parseLong(result.group(4)),
        result.group(5));
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * One series' row; {@code sha256} is the hash of the bytes it stored, or "-" when it has none.
   */
  record Measure(
      String name, long bytes, double seconds, long peakUsed, long peakAfterGc, String sha256) {
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
