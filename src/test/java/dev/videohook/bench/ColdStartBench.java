package dev.videohook.bench;

import dev.videohook.local.LocalDynamoDb;
import dev.videohook.signature.SignatureVerifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Cold start: from process spawn to the first accepted delivery, videohook's handler in a fresh JVM
 * (built from the environment, one signed delivery committed to DynamoDB Local) against the guide's
 * Express receiver (spawned with npx tsx, polled until it answers 204). Medians of several runs,
 * and their ratio. A Lambda cold start adds the runtime's own start, and SnapStart replaces most of
 * the JVM's part with a snapshot restore; this measures what the code controls.
 */
@Command(name = "coldstart-bench", mixinStandardHelpOptions = true)
public final class ColdStartBench implements Callable<Integer> {
  @Option(
      names = "--runs",
      defaultValue = "5",
      description = "Runs of each (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--guide-dir",
      description = "A folder with the guide's server.ts and node_modules (npm install done).")
  Path guideDir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ColdStartBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<Long> javaSpawnToFirst = new ArrayList<>();
    List<Long> javaInit = new ArrayList<>();
    try (LocalDynamoDb dynamoDb = LocalDynamoDb.start()) {
      dynamoDb.createJobTable("coldstart-jobs");
      for (int run = 0; run < runs; run++) {
        long spawned = System.nanoTime();
        ProcessBuilder builder =
            new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+TieredCompilation",
                    "-XX:TieredStopAtLevel=1", // as Lambda's java21 runtime starts
                    "-cp",
                    classpath(),
                    ColdStartProbe.class.getName(),
                    "coldstart_" + run)
                .redirectErrorStream(true);
        builder.environment().put("JOBS_TABLE", "coldstart-jobs");
        builder.environment().put("DYNAMODB_ENDPOINT", dynamoDb.endpoint().toString());
        builder.environment().put("OPENROUTER_WEBHOOK_SECRET", "dev_secret");
        builder.environment().put("LOG_LEVEL", "WARN");
        builder.environment().put("VIDEOHOOK_LOG_FILE", "target/coldstart.log");
        Process process = builder.start();
        String output =
            new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        process.waitFor();
        long total = (System.nanoTime() - spawned) / 1_000_000;
        String[] last = output.lines().reduce((a, b) -> b).orElse("").split(" ");
        if (last.length != 4 || !last[0].equals("204")) {
          throw new IllegalStateException("the probe did not get a 204: " + output);
        }
        javaSpawnToFirst.add(total);
        javaInit.add(Long.parseLong(last[2]) - Long.parseLong(last[1]));
      }
    }
    System.out.printf(
        "%d runs each, %d cores, java %s%n%n",
        runs, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    System.out.printf("%-58s %8s%n", "", "median");
    System.out.printf(
        "%-58s %6d ms%n", "videohook: handler init (config, DynamoDB client)", median(javaInit));
    System.out.printf(
        "%-58s %6d ms%n",
        "videohook: spawn -> first delivery committed (204)", median(javaSpawnToFirst));
    if (guideDir != null) {
      List<Long> express = new ArrayList<>();
      for (int run = 0; run < runs; run++) {
        express.add(expressSpawnToFirst204());
      }
      System.out.printf(
          "%-58s %6d ms%n", "guide Express: spawn -> first 204 (verify only)", median(express));
      System.out.printf(
          "%nratio videohook / guide Express, spawn to first 204: %.2f%n",
          (double) median(javaSpawnToFirst) / median(express));
    }
    return 0;
  }

  private long expressSpawnToFirst204() throws IOException, InterruptedException {
    if (!Files.isDirectory(guideDir.resolve("node_modules"))) {
      throw new IllegalArgumentException(
          guideDir + " has no node_modules: run npm install there first");
    }
    long spawned = System.nanoTime();
    ProcessBuilder builder =
        new ProcessBuilder("npx", "tsx", "server.ts")
            .directory(guideDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("OPENROUTER_WEBHOOK_SECRET", "dev_secret");
    Process process = builder.start();
    HttpClient http = HttpClient.newHttpClient();
    try {
      while (true) {
        byte[] body =
            "{\"type\":\"video.generation.completed\",\"data\":{\"id\":\"x\",\"status\":\"completed\"}}"
                .getBytes(StandardCharsets.UTF_8);
        try {
          int status =
              http.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:3000/openrouter/video-webhook"))
                          .header("Content-Type", "application/json")
                          .header(
                              "X-OpenRouter-Signature",
                              SignatureVerifier.signatureHeader(
                                  "dev_secret", Instant.now().getEpochSecond(), body))
                          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode();
          if (status == 204) {
            return (System.nanoTime() - spawned) / 1_000_000;
          }
        } catch (IOException notYet) {
          Thread.sleep(10);
        }
        if ((System.nanoTime() - spawned) / 1_000_000_000L > 60) {
          throw new IllegalStateException("the guide's receiver did not answer 204 within 60 s");
        }
      }
    } finally {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
      process.waitFor();
      Thread.sleep(300); // let port 3000 go
    }
  }

  /** The project's classpath, also under exec:java, where java.class.path is Maven's own. */
  static String classpath() {
    if (Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader loader) {
      List<String> paths = new ArrayList<>();
      for (java.net.URL url : loader.getURLs()) {
        try {
          paths.add(Path.of(url.toURI()).toString());
        } catch (java.net.URISyntaxException e) {
          throw new IllegalStateException(e);
        }
      }
      return String.join(java.io.File.pathSeparator, paths);
    }
    return System.getProperty("java.class.path");
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
