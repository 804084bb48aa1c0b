package dev.videohook.bench;

import dev.videohook.local.MotoServer;
import dev.videohook.provider.Provider;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Cold start: from process spawn to the first accepted delivery, videohook's handler in a fresh JVM
 * (built from the environment, one signed delivery committed to moto) against the guide's Express
 * receiver (spawned with npx tsx, polled until it answers 204). Medians of several runs, and their
 * ratio. A Lambda cold start adds the runtime's own start, and SnapStart replaces most of the JVM's
 * part with a snapshot restore; this measures what the code controls.
 */
@Command(name = "coldstart-bench", mixinStandardHelpOptions = true)
public final class ColdStartBench implements Callable<Integer> {
  /** Where the guide's Express server listens (its server.ts fixes it). */
  static final int GUIDE_PORT = 3000;

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
    String classpath = functionClasspath();
    List<Long> spawnToFirst = new ArrayList<>();
    List<Long> init = new ArrayList<>();
    List<Long> firstRequest = new ArrayList<>();
    List<Long> prime = new ArrayList<>();
    List<Long> firstRequestPrimed = new ArrayList<>();
    List<Long> express = new ArrayList<>();
    List<Long> archived = new ArrayList<>();
    List<Long> runtimeMapped = new ArrayList<>();
    List<Long> runtimeMapping = new ArrayList<>();
    Map<String, Integer> classes;
    try (MotoServer dynamoDb = MotoServer.start()) {
      dynamoDb.createJobTable("coldstart-jobs");
      String jars = jarredClasspath(classpath);
      Path archive = trainClassArchive(jars, dynamoDb);
      for (int run = 0; run < runs; run++) {
        long spawned = System.nanoTime();
        long[] plain = probe(classpath, dynamoDb, "coldstart_" + run, "plain");
        spawnToFirst.add((System.nanoTime() - spawned) / 1_000_000);
        init.add(plain[1] - plain[0]);
        firstRequest.add(plain[3] - plain[2]);
        spawned = System.nanoTime();
        // -Xshare:on: an archive the JVM cannot map fails the run instead of passing unused
        probe(
            jars,
            dynamoDb,
            "coldstart_archived_" + run,
            "plain",
            "-Xshare:on",
            "-XX:SharedArchiveFile=" + archive);
        archived.add((System.nanoTime() - spawned) / 1_000_000);
        long[] primed = probe(classpath, dynamoDb, "coldstart_primed_" + run, "primed");
        spawned = System.nanoTime();
        long[] mapped =
            probe(
                classpath + File.pathSeparator + runtimeMappingJars(),
                dynamoDb,
                "coldstart_mapped_" + run,
                "runtime-mapped");
        runtimeMapped.add((System.nanoTime() - spawned) / 1_000_000);
        runtimeMapping.add(mapped[4]);
        prime.add(primed[2] - primed[1]);
        firstRequestPrimed.add(primed[3] - primed[2]);
        if (guideDir != null) {
          express.add(expressSpawnToFirst204());
        }
      }
      classes = classesBySource(classpath, dynamoDb);
    }
    System.out.printf(
        "%d runs each, interleaved, %d cores, java %s, -XX:TieredStopAtLevel=1%n%n",
        runs, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    System.out.printf("%-62s %8s%n", "", "median");
    row("videohook: handler init (config, logging, DynamoDB client)", init);
    row("videohook: first delivery, unprimed (HMAC, JSON, commit)", firstRequest);
    row("videohook: spawn -> first delivery committed (204)", spawnToFirst);
    row("videohook: SnapStart priming (before the snapshot)", prime);
    row("videohook: first delivery after priming (after a restore)", firstRequestPrimed);
    row("videohook, classes from an AppCDS archive: spawn -> 204", archived);
    row("the Lambda runtime's mapping of an events-library POJO, cold", runtimeMapping);
    row("videohook with that mapping (its POJO handler before): -> 204", runtimeMapped);
    if (!express.isEmpty()) {
      row("guide Express: spawn -> first 204 (verify only)", express);
      System.out.printf(
          "%nratio videohook / guide Express, spawn to first 204: %.2f%n",
          (double) median(spawnToFirst) / median(express));
      System.out.printf(
          "ratio videohook with the AppCDS archive / guide Express: %.2f%n",
          (double) median(archived) / median(express));
    }
    System.out.printf(
        "ratio first delivery primed / unprimed: %.2f%n",
        (double) median(firstRequestPrimed) / Math.max(1, median(firstRequest)));
    System.out.printf("%nclasses loaded, spawn -> first delivery committed, unprimed, by source:%n");
    classes.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .forEach(entry -> System.out.printf("%-62s %8d%n", entry.getKey(), entry.getValue()));
    System.out.printf(
        "%-62s %8d%n", "total", classes.values().stream().mapToInt(Integer::intValue).sum());
    return 0;
  }

  /**
   * Where a cold start's classes come from: one more unprimed run, with the JVM's class-loading log
   * on, counted by source (a jar, the function's own classes, the JDK).
   */
  private static Map<String, Integer> classesBySource(String classpath, MotoServer dynamoDb)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("coldstart-classes", ".log");
    try {
      probe(classpath, dynamoDb, "coldstart_classes", "plain", "-Xlog:class+load=info:file=" + log);
      Map<String, Integer> counts = new TreeMap<>();
      for (String line : Files.readAllLines(log)) {
        int at = line.indexOf(" source: ");
        if (at >= 0) {
          counts.merge(source(line.substring(at + " source: ".length())), 1, Integer::sum);
        }
      }
      return counts;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** A class-loading log's source, named for a reader: the jar's file name, or what else it is. */
  static String source(String source) {
    if (source.startsWith("shared objects file")) {
      return "JDK, mapped from the JVM's default CDS archive";
    }
    if (source.startsWith("jrt:/")) {
      return "JDK, " + source.substring("jrt:/".length()) + " (not in the CDS archive)";
    }
    if (source.startsWith("file:")) {
      String path = source.substring("file:".length());
      if (path.endsWith(".jar")) {
        return path.substring(path.lastIndexOf('/') + 1);
      }
      return path.contains("coldstart-probe") ? "the bench's probe" : "videohook's own classes";
    }
    return "generated at run time (lambdas, proxies)";
  }

  private static void row(String what, List<Long> values) {
    System.out.printf("%-62s %6d ms%n", what, median(values));
  }

  /**
   * One fresh JVM on the functions' class path; the milliseconds since its start at main, after
   * init, after priming (equal to init when not primed), and after the first delivery.
   */
  private static long[] probe(
      String classpath, MotoServer dynamoDb, String jobId, String mode, String... jvmOptions)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+TieredCompilation");
    command.add("-XX:TieredStopAtLevel=1"); // template.yaml's JAVA_TOOL_OPTIONS
    command.addAll(List.of(jvmOptions));
    command.addAll(
        List.of(
            "-cp", classpath, ColdStartProbe.class.getName(), jobId, mode));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("JOBS_TABLE", "coldstart-jobs");
    builder.environment().put("DYNAMODB_ENDPOINT", dynamoDb.endpoint().toString());
    builder.environment().put("OPENROUTER_WEBHOOK_SECRET", "dev_secret");
    builder.environment().put("LOG_LEVEL", "WARN");
    Process process = builder.start();
    String output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    process.waitFor();
    // the result line is the probe's last, save for what the JVM itself logs at exit (a training
    // run's CDS warnings)
    String[] last =
        output
            .lines()
            .filter(line -> line.matches("\\d{3}( \\d+){4}"))
            .reduce((a, b) -> b)
            .orElse("")
            .split(" ");
    if (last.length != 5 || !last[0].equals("204")) {
      throw new IllegalStateException("the probe did not get a 204: " + output);
    }
    long mapped =
        output
            .lines()
            .filter(line -> line.startsWith("runtime-mapped "))
            .mapToLong(line -> Long.parseLong(line.substring("runtime-mapped ".length()).trim()))
            .findFirst()
            .orElse(0);
    return new long[] {
      Long.parseLong(last[1]),
      Long.parseLong(last[2]),
      Long.parseLong(last[3]),
      Long.parseLong(last[4]),
      mapped
    };
  }

  /**
   * What the webhook function ships (target/classes and its runtime jars, those its artifact leaves
   * out left out here too, as {@code make build-WebhookFunction} copies them) plus the probe alone:
   * no test class path, so the functions' own logging setup runs.
   */
  static String functionClasspath() throws IOException {
    String runtime = runtimeClasspath();
    Path probeDir = Files.createTempDirectory("coldstart-probe");
    for (Class<?> probeClass : List.of(ColdStartProbe.class, RuntimeEventMapping.class)) {
      String probe = probeClass.getName().replace('.', '/') + ".class";
      Path target = probeDir.resolve(probe);
      Files.createDirectories(target.getParent());
      try (var in = probeClass.getClassLoader().getResourceAsStream(probe)) {
        Files.copy(in, target);
      }
    }
    return String.join(
        File.pathSeparator, probeDir.toString(), Path.of("target", "classes").toString(), runtime);
  }

  /**
   * What a {@code RequestHandler} of aws-lambda-java-events' classes has the Lambda Java runtime
   * load, which the webhook's artifact no longer holds: the events library with joda-time, and the
   * runtime's serialization library, from this JVM's class path (test scope).
   */
  private static String runtimeMappingJars() throws IOException {
    List<String> jars = new ArrayList<>();
    for (Class<?> from :
        List.of(
            com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.class,
            // loaded by the runtime's mapping from the function's class path, for any event class
            org.joda.time.DateTime.class,
            com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers
                .class)) {
      try {
        jars.add(Path.of(from.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (java.net.URISyntaxException e) {
        throw new IOException(e);
      }
    }
    return String.join(File.pathSeparator, jars);
  }

  /**
   * How much of a cold start is class loading: one unmeasured run of the probe writes a dynamic
   * AppCDS archive of every class it loaded, and later runs map them from it. Only the JVM build
   * that wrote an archive can use it, which is why the functions do not ship one (Lambda's managed
   * runtime updates its JVM on its own schedule; SnapStart is what they use instead).
   */
  private static Path trainClassArchive(String jars, MotoServer dynamoDb)
      throws IOException, InterruptedException {
    Path archive = Files.createTempDirectory("coldstart-cds").resolve("videohook.jsa");
    probe(jars, dynamoDb, "coldstart_training", "plain", "-XX:ArchiveClassesAtExit=" + archive);
    if (!Files.isRegularFile(archive)) {
      throw new IllegalStateException("the training run wrote no class archive at " + archive);
    }
    return archive;
  }

  /** The class path with its directories packed as jars: a CDS archive takes jars only. */
  private static String jarredClasspath(String classpath) throws IOException, InterruptedException {
    List<String> entries = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (!Files.isDirectory(path)) {
        entries.add(entry);
        continue;
      }
      Path jar = Files.createTempFile("coldstart-classes", ".jar");
      Files.delete(jar);
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jar").toString(),
                  "cf",
                  jar.toString(),
                  "-C",
                  path.toString(),
                  ".")
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException("jar could not pack " + path + ": " + output);
      }
      entries.add(jar.toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  /**
   * The webhook function's runtime jars, as the bench profile lists them in
   * target/runtime-classpath.txt: a child JVM cannot take this one's java.class.path, which under
   * exec:java is Maven's own.
   */
  static String runtimeClasspath() throws IOException {
    Path runtime = Path.of("target", "runtime-classpath.txt");
    if (!Files.isRegularFile(runtime)) {
      throw new IllegalStateException(
          runtime + " is missing: run the bench through its profile, mvn -q -Pbench");
    }
    return Files.readString(runtime).trim();
  }

  private long expressSpawnToFirst204() throws IOException, InterruptedException {
    if (!Files.isDirectory(guideDir.resolve("node_modules"))) {
      throw new IllegalArgumentException(
          guideDir + " has no node_modules: run npm install there first");
    }
    requireFree(GUIDE_PORT);
    long spawned = System.nanoTime();
    Process process = spawnExpress(guideDir);
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
                              URI.create(
                                  "http://127.0.0.1:" + GUIDE_PORT + "/openrouter/video-webhook"))
                          .header("Content-Type", "application/json")
                          .header(
                              Provider.OPENROUTER.signatureHeader(),
                              Provider.OPENROUTER.sign(
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
      Thread.sleep(300); // let the port go
    }
  }

  /**
   * The guide's Express receiver from {@code dir} ({@code npx tsx server.ts}, its output discarded),
   * with the secret the benches sign with; it listens on {@link #GUIDE_PORT}.
   */
  static Process spawnExpress(Path dir) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder("npx", "tsx", "server.ts")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("OPENROUTER_WEBHOOK_SECRET", "dev_secret");
    return builder.start();
  }

  /**
   * Refuses to run while anything listens on {@code port}: the bench would time that (serve mode,
   * say) instead of the guide's server, which listens there and cannot be told another port.
   */
  static void requireFree(int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(port));
    } catch (IOException taken) {
      throw new IllegalStateException(
          "port "
              + port
              + " is taken (is the local stack's serve mode running?): the guide's server must"
              + " listen there for this bench. Stop what uses it and run the bench again.");
    }
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
