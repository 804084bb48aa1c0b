package dev.videohook.bench;

import dev.videohook.signature.SignatureVerifier;
import dev.videohook.signature.VerificationResult;
import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The signature check, JMH: {@link SignatureVerifier#verify} (parse the header, check the time,
 * HMAC, constant-time compare) against a bare JDK HMAC-SHA256 of the same bytes, the floor under
 * any verifier. Run with {@code mvn -q -Pbench -Dexec.args=verifier}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VerifierBench {
  private static final String SECRET = "whsec_bench_secret_of_a_usual_length";
  private static final long T = 1_764_144_000L;

  @Param({"1024", "65536"})
  public int bodyBytes;

  private byte[] body;
  private String header;
  private SignatureVerifier verifier;
  private byte[] key;
  private byte[] prefix;

  @Setup
  public void setUp() {
    body = new byte[bodyBytes];
    new Random(42).nextBytes(body);
    header = SignatureVerifier.signatureHeader(SECRET, T, body);
    verifier =
        new SignatureVerifier(
            List.of(SECRET),
            Duration.ofSeconds(300),
            Clock.fixed(Instant.ofEpochSecond(T), ZoneOffset.UTC));
    key = SECRET.getBytes(StandardCharsets.UTF_8);
    prefix = (T + ",").getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public VerificationResult videohookVerify() {
    return verifier.verify(header, body);
  }

  @Benchmark
  public byte[] bareJdkHmac() throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    mac.update(prefix);
    return mac.doFinal(body);
  }

  public static void main(String[] args) throws Exception {
    // JMH forks its measuring JVM with java.class.path: under exec:java that is Maven's own
    System.setProperty("java.class.path", classpath());
    Collection<RunResult> results =
        new Runner(new OptionsBuilder().include(VerifierBench.class.getSimpleName()).build()).run();
    Map<Integer, double[]> byBody = new TreeMap<>();
    for (RunResult result : results) {
      int bytes = Integer.parseInt(result.getParams().getParam("bodyBytes"));
      double nanos = result.getPrimaryResult().getScore();
      int column = result.getParams().getBenchmark().endsWith("videohookVerify") ? 0 : 1;
      byBody.computeIfAbsent(bytes, b -> new double[2])[column] = nanos;
    }
    System.out.printf(
        "%n%-10s %16s %12s %16s %12s %8s%n",
        "body", "videohook ns/op", "MB/s", "bare HMAC ns/op", "MB/s", "ratio");
    byBody.forEach(
        (bytes, nanos) ->
            System.out.printf(
                "%-10s %16.0f %12.1f %16.0f %12.1f %8.2f%n",
                bytes + " B",
                nanos[0],
                bytes * 1e3 / nanos[0],
                nanos[1],
                bytes * 1e3 / nanos[1],
                nanos[1] / nanos[0]));
    System.out.println("ratio: bare HMAC time / videohook time (1.00 = no overhead beyond the MAC)");
  }

  private static String classpath() throws URISyntaxException {
    if (!(Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader)) {
      return System.getProperty("java.class.path");
    }
    List<String> paths = new ArrayList<>();
    for (URL url : loader.getURLs()) {
      paths.add(Path.of(url.toURI()).toString());
    }
    return String.join(File.pathSeparator, paths);
  }
}
