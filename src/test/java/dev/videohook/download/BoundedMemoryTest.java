package dev.videohook.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.local.LocalS3;
import dev.videohook.simulator.GeneratedBytes;
import dev.videohook.testing.StreamingSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Invariant 6, bounded memory: a video far larger than the heap of the JVM that downloads it is
 * stored whole and correct. The download runs in a child JVM with {@code -Xmx64m} (a quarter of the
 * video); the video server runs here, and S3 (moto's, which keeps large objects in temporary files)
 * in its own process.
 */
class BoundedMemoryTest {
  private static final long SIZE = 256L * 1024 * 1024;
  private static final String HEAP = "-Xmx64m";

  @Test
  void videoLargerThanTheHeap_isStoredWhole_byADownloaderWithA64MiBHeap() throws Exception {
    try (LocalS3 s3 = LocalS3.start();
        StreamingSource server = new StreamingSource()) {
      s3.createBucket("videos");
      server.on("/big.mp4", StreamingSource.generated(SIZE, "video/mp4"));

      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  HEAP,
                  "-DVIDEOHOOK_LOG_FILE=target/bounded-memory-child.log",
                  "-cp",
                  System.getProperty("java.class.path"),
                  BoundedMemoryMain.class.getName(),
                  server.url("/big.mp4").toString(),
                  s3.endpoint().toString(),
                  "videos")
              .redirectErrorStream(true)
              .start();
      child.getOutputStream().close();
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(child.waitFor(5, TimeUnit.MINUTES), "child JVM did not end");
      Files.writeString(Path.of("target", "bounded-memory-child.out"), output);

      assertEquals(0, child.exitValue(), output);
      Matcher printed = Pattern.compile("size=(\\d+) sha256=([0-9a-f]{64})").matcher(output);
      assertTrue(printed.find(), output);
      String expected = GeneratedBytes.sha256(SIZE);
      assertEquals(SIZE, Long.parseLong(printed.group(1)));
      assertEquals(expected, printed.group(2));
      assertEquals(expected, storedSha256(s3, "videos", "memory/openrouter/big/0.mp4"));
      assertEquals(List.of(), s3.multipartUploads("videos"));
    }
  }

  private static String storedSha256(LocalS3 s3, String bucket, String key) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in =
        new DigestInputStream(s3.client().getObject(b -> b.bucket(bucket).key(key)), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
