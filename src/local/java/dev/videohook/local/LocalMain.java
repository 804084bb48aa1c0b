package dev.videohook.local;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.event.EventType;
import dev.videohook.event.SampleEvents;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.provider.Provider;
import dev.videohook.reconcile.ReconcileConfig;
import dev.videohook.cli.ProviderIds;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.ProviderSimulator;
import dev.videohook.simulator.VideoBytes;
import dev.videohook.retry.RetryPolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mvn -q -Plocal [-Dexec.args=serve]}: the whole flow on this machine. */
@Command(
    name = "videohook-local",
    mixinStandardHelpOptions = true,
    subcommands = {LocalMain.Demo.class, LocalMain.Serve.class, LocalMain.SamLocal.class},
    description =
        "Runs videohook on this machine: emulators, webhook server, simulated providers; no AWS.")
public final class LocalMain {
  private static final PrintStream OUT = System.out;
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
  /** Where logback writes the JSON log (see logback-test.xml, which the local stack runs with). */
  static final String LOG_FILE = "VIDEOHOOK_LOG_FILE";

  public static void main(String[] args) {
    // serve returns only on a start-up error; the emulators' threads would keep the JVM alive
    System.exit(
        new CommandLine(new LocalMain())
            .setExecutionExceptionHandler(
                (e, command, parsed) -> {
                  if (e instanceof MotoServer.MotoException) {
                    // moto missing, its port taken, or it failing: the message says what to do
                    System.err.println("Could not start the local stack: " + e.getMessage());
                    return 2;
                  }
                  throw e;
                })
            .execute(args.length == 0 ? new String[] {"demo"} : args));
  }

  @Command(
      name = "demo",
      mixinStandardHelpOptions = true,
      description = "Submits one job to a simulated provider and follows it to its stored state.")
  static final class Demo implements Callable<Integer> {
    @Option(
        names = "--provider",
        defaultValue = "openrouter",
        completionCandidates = ProviderIds.class,
        description = "One of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String providerName;

    @Option(
        names = "--video-mib",
        defaultValue = "64",
        description = "Size of the simulated video in MiB (default: ${DEFAULT-VALUE}).")
    int videoMib;

    @Override
    public Integer call() throws Exception {
      Provider provider = Provider.fromId(providerName).orElse(null);
      if (provider == null) {
        System.err.println(
            "--provider must be one of " + Provider.ids() + ", got '" + providerName + "'");
        return 2;
      }
      if (videoMib < 1) {
        System.err.println("--video-mib must be at least 1, got " + videoMib);
        return 2;
      }
      try (LocalVideohook stack = LocalVideohook.start(0, System.getenv())) {
        ProviderSimulator simulator = stack.simulator(provider);
        long videoBytes = videoMib * 1024L * 1024L;
        simulator.setFaults(
            Faults.none().withVideoBytes(videoBytes).withCompletionDelay(Duration.ofMillis(500)));
        step(
            "local stack up",
            "moto " + stack.dynamoDbEndpoint() + ", moto S3 " + stack.s3Endpoint());
        step(
            "",
            "webhook server " + stack.apiBase() + ", stream poller on table " + LocalVideohook.TABLE);
        step("", "simulated " + provider.id() + " API " + simulator.apiBase());

        String jobId =
            stack
                .submit(
                    provider,
                    "acme",
                    "google/veo-3.1-lite",
                    "A matte black desk lamp, slow camera slide")
                .id();
        step(
            "submitted",
            provider.id()
                + " job "
                + jobId
                + " with callback_url "
                + stack.callbackUrl("acme", provider));
        step(
            "recorded",
            "status "
                + status(stack, provider, jobId).map(JobStatus::value).orElse("?")
                + " (tenant acme)");

        Optional<JobStatus> terminal =
            awaitStatus(stack, provider, jobId, s -> s != JobStatus.PENDING);
        simulator.awaitDelivered(jobId, STEP_TIMEOUT);
        String deliveries =
            simulator.deliveries(jobId).stream()
                .map(d -> String.valueOf(d.status()))
                .toList()
                .toString();
        step(
            "signed webhook",
            "POST "
                + stack.callbackUrl("acme", provider).getPath()
                + " -> "
                + deliveries
                + ", verified and committed once");
        step(
            "job",
            "status "
                + terminal.map(JobStatus::value).orElse("(timed out)")
                + ": the table's stream hands it to the download handler");

        long servedBefore = 0;
        Instant deadline = Instant.now().plus(STEP_TIMEOUT);
        Optional<JobStatus> finalStatus = Optional.empty();
        while (Instant.now().isBefore(deadline)) {
          finalStatus = status(stack, provider, jobId).filter(s -> s != JobStatus.COMPLETED);
          long served = simulator.bytesServed();
          if (served != servedBefore) {
            step(
                "downloading",
                String.format(
                    "%6.1f / %.1f MiB -> S3 multipart upload",
                    served / 1048576.0, videoBytes / 1048576.0));
            servedBefore = served;
          }
          if (finalStatus.isPresent()) {
            break;
          }
          Thread.sleep(250);
        }
        Job stored = stack.jobStore().find(new JobKey("acme", provider, jobId)).orElseThrow();
        step(
            "job",
            "status "
                + finalStatus
                    .map(JobStatus::value)
                    .orElse("(still completed: " + text(stored.download().lastError()) + ")"));
        boolean isStored = finalStatus.filter(s -> s == JobStatus.STORED).isPresent();
        if (isStored) {
          step(
              "stored",
              "s3://" + stored.stored().bucket() + "/" + stored.stored().objects().get(0).key());
          step(
              "",
              "size "
                  + stored.stored().objects().get(0).size()
                  + " bytes, sha256 "
                  + stored.stored().objects().get(0).sha256());
          step(
              "",
              "expected sha256 "
                  + VideoBytes.sha256(jobId, videoBytes)
                  + " (computed from the simulator's bytes)");
        }

        String event = completedEvent(jobId);
        int replay =
            post(
                stack.callbackUrl("acme", provider),
                provider,
                stack.webhookSecret(provider),
                event);
        int forged = post(stack.callbackUrl("acme", provider), provider, "not-the-secret", event);
        step("replayed delivery", "-> " + replay + " (a duplicate: acknowledged, nothing changes)");
        step("forged signature", "-> " + forged + " (refused, nothing written)");

        HttpResponse<String> job = get(URI.create(stack.apiBase() + "/jobs/" + jobId));
        step("GET /jobs/" + jobId, "-> " + job.statusCode());
        OUT.println(job.body());
        boolean ok = isStored && replay == 204 && forged == 401 && job.statusCode() == 200;
        return ok ? 0 : 1;
      }
    }
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = "Starts the stack and keeps it up until Ctrl-C.")
  static final class Serve implements Callable<Integer> {
    @Option(
        names = "--port",
        defaultValue = "${env:PORT:-3000}",
        description = "Webhook server port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
        names = "--quiet",
        description = "Print the banner only, not a line per webhook, download and event.")
    boolean quiet;

    @Option(
        names = "--env-file",
        defaultValue = "target/local.env",
        description =
            "Where to write the command line's settings for this stack (default:"
                + " ${DEFAULT-VALUE}).")
    Path envFile = LocalEnvFile.DEFAULT;

    @Spec CommandSpec spec;

    /**
     * Whether {@code --port} and {@code --env-file} were given, for a serve started without a
     * command line (tests); null asks the parsed command line, and without one means given.
     */
    Boolean portChosen;

    Boolean envFileChosen;

    /**
     * The emulators' ports (not the API server's, which is {@link #port}): stable defaults, so that
     * the settings file survives a restart.
     */
    LocalPorts ports;

    /** How the download function retries a source: the Lambda's, unless a test shortens it. */
    RetryPolicy downloadRetries = RetryPolicy.defaults();

    @Override
    public Integer call() throws Exception {
      Map<String, String> env = new HashMap<>(System.getenv());
      LocalVideohook stack = start(env, OUT, ServeConsole.colourWanted(env));
      if (stack == null) {
        return 2;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
      new CountDownLatch(1).await();
      return 0;
    }

    /**
     * Starts the stack, writes the settings file, prints the banner on {@code out}, then (unless
     * quiet) a line per event; null when the port is taken.
     */
    LocalVideohook start(Map<String, String> env, PrintStream out, boolean colour)
        throws IOException {
      // a port the user chose must be that port; the default gives way to another program
      int apiPort = chosen("--port", portChosen) ? port : LoopbackPort.preferred(port);
      // one JSON log file per instance, named for the port it really listens on: a second serve
      // whose default port was taken never shares the first one's file; read when logging
      // starts, which is with the stack
      if (env.get(LOG_FILE) == null && System.getProperty(LOG_FILE) == null) {
        System.setProperty(
            LOG_FILE,
            "target/videohook-local-"
                + (apiPort == 0 ? "pid" + ProcessHandle.current().pid() : apiPort)
                + ".log");
      }
      // --port 0: any free port for everything
      LocalPorts emulators =
          ports != null ? ports : port == 0 ? LocalPorts.any(0) : LocalPorts.serve(apiPort);
      LocalPorts wanted =
          new LocalPorts(apiPort, emulators.moto(), emulators.s3(), emulators.simulators());
      LocalVideohook stack;
      try {
        // the reconciler runs on a timer, as on its schedule in AWS; quicker than AWS's defaults
        env.putIfAbsent(ReconcileConfig.RECONCILE_INTERVAL_SECONDS, "60");
        env.putIfAbsent(ReconcileConfig.RECONCILE_MIN_AGE_SECONDS, "120");
        stack = LocalVideohook.start(wanted, env, downloadRetries);
      } catch (BindException e) {
        System.err.println(
            "Port "
                + wanted.api()
                + " is in use. Stop what uses it, or pick another: -Dexec.args=\"serve --port 3001\"");
        return null;
      }
      // each instance owns its settings file: a running stack's file is never overwritten
      Optional<URI> owner = LocalEnvFile.runningOwner(envFile, stack);
      if (owner.isPresent() && chosen("--env-file", envFileChosen)) {
          stack.close();
          System.err.println(
              envFile
                  + " holds the settings of the stack running at "
                  + owner.get()
                  + ": name another file with --env-file, or stop that stack first");
          return null;
      }
      Path file =
          owner.isPresent() ? LocalEnvFile.forPort(envFile, stack.apiBase().getPort()) : envFile;
      LocalEnvFile.write(file, stack);
      banner(stack, wanted, file, out);
      owner.ifPresent(
          running ->
              out.printf(
                  "%s belongs to the stack already running at %s: this stack's settings are in %s"
                      + " (load that file in the shells meant for this one)%n%n",
                  envFile, running, file));
      if (!quiet) {
        ServeConsole.attach(stack, out, colour);
      }
      return stack;
    }

    private boolean chosen(String option, Boolean told) {
      if (told != null) {
        return told;
      }
      return spec == null || spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private void banner(LocalVideohook stack, LocalPorts wanted, Path envFile, PrintStream out) {
      out.println("videohook local stack is up (Ctrl-C to stop)");
      // moto keeps nothing on disk: say so before anyone sends work they expect to find tomorrow
      out.println(
          "local state (jobs, videos, secrets, events) lives in memory: stopping the stack ends it");
      out.println();
      if (port != 0 && stack.apiBase().getPort() != port) {
        out.printf(
            "  port %d is taken by another program: this stack listens on %d instead%n",
            port, stack.apiBase().getPort());
      }
      if (wanted.moto() != 0 && stack.dynamoDbEndpoint().getPort() != wanted.moto()) {
        out.printf(
            "  port %d is taken: moto listens on %d instead%n",
            wanted.moto(), stack.dynamoDbEndpoint().getPort());
      }
      if (wanted.s3() != 0 && stack.s3Endpoint().getPort() != wanted.s3()) {
        out.printf(
            "  port %d is taken: moto (S3) listens on %d instead%n",
            wanted.s3(), stack.s3Endpoint().getPort());
      }
      for (Provider provider : Provider.values()) {
        out.printf(
            "  %-10s webhook      POST %s   (tenant $default)%n",
            provider.id(), stack.callbackUrl("$default", provider));
        out.printf(
            "  %-10s webhook      POST %s   (tenant acme)%n",
            provider.id(), stack.callbackUrl("acme", provider));
        out.printf(
            "  %-10s secret       %s%n",
            provider.id(),
            stack.usesDefaultSecret(provider)
                ? LocalVideohook.DEFAULT_SECRET
                    + " (default; set "
                    + provider.webhookSecretEnv()
                    + " to change)"
                : "from " + provider.webhookSecretEnv());
        out.printf(
            "  %-10s simulated API %s   (API key %s)%n",
            provider.id(), stack.simulator(provider).apiBase(), LocalVideohook.SIMULATOR_API_KEY);
      }
      out.println(
          "  jobs                    GET  "
              + stack.apiBase()
              + "/jobs   and   "
              + stack.apiBase()
              + "/jobs/{id}");
      out.println(
          "  jobs page, events       "
              + stack.apiBase()
              + "/   and   GET "
              + stack.apiBase()
              + "/events");
      out.println(
          "  moto (DynamoDB)         " + stack.dynamoDbEndpoint() + "   table " + LocalVideohook.TABLE);
      out.println(
          "  moto (S3)               "
              + stack.s3Endpoint()
              + "   bucket "
              + LocalVideohook.BUCKET
              + "   (access key local, secret local)");
      out.println(
          "  stream poller           completed jobs are downloaded into the bucket, then marked stored");
      Map<String, String> reconcile = stack.reconcileSettings();
      out.println(
          "  reconciler              every "
              + reconcile.get(ReconcileConfig.RECONCILE_INTERVAL_SECONDS)
              + " s: jobs pending over "
              + reconcile.get(ReconcileConfig.RECONCILE_MIN_AGE_SECONDS)
              + " s are looked up at the provider (RECONCILE_INTERVAL_SECONDS,"
              + " RECONCILE_MIN_AGE_SECONDS)");
      out.println();
      out.println("From another terminal (build the CLI once with: mvn -q package -DskipTests)");
      out.println(
          "load the command line's settings for this stack (written to "
              + envFile
              + ", the same after a restart):");
      out.println("  " + String.format(LocalEnvFile.LOAD, envFile));
      out.println(
          "send a signed test event (its job is downloaded from the simulated CDN and ends stored):");
      out.println("  java -jar target/videohook-cli.jar " + sendTestArgs(stack));
      out.println(
          "submit a job to the simulated provider, its webhook coming back here and its video into S3:");
      out.println(
          "  java -jar target/videohook-cli.jar submit -p openrouter -t acme --model google/veo-3.1-lite --prompt 'a desk lamp'");
      out.println("make one fail on purpose (failed, cancelled, expired, slow, truncated, ...):");
      out.println("  java -jar target/videohook-local-cli.jar trigger failed");
      out.println();
      out.println(
          "Logs, as JSON lines: "
              + ServeConsole.logFile().orElse("(none: no file appender is configured)"));
      out.println();
    }
  }

  @Command(
      name = "sam-local",
      mixinStandardHelpOptions = true,
      description =
          "Starts moto (port 8000, and for S3 port 8001) for sam local invoke, with the"
              + " table and bucket, and writes the --env-vars file; up until Ctrl-C.")
  static final class SamLocal implements Callable<Integer> {
    @Option(
        names = "--host",
        defaultValue = SamLocalStack.DOCKER_HOST,
        description =
            "How the function's container reaches this machine (default: ${DEFAULT-VALUE});"
                + " 127.0.0.1 with sam local invoke --docker-network host.")
    String host;

    @Option(
        names = "--env-file",
        defaultValue = "target/sam-local/env.json",
        description = "Where to write the env.json (default: ${DEFAULT-VALUE}).")
    Path envFile;

    @Override
    public Integer call() throws Exception {
      SamLocalStack stack;
      try {
        stack = SamLocalStack.start();
      } catch (IOException | IllegalStateException e) {
        System.err.println(
            "Could not start on ports "
                + SamLocalStack.DYNAMODB_PORT
                + "-"
                + SamLocalStack.VIDEO_PORT
                + " (is another local stack, or anything else, using them?): "
                + e.getMessage());
        return 2;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
      String env = SamLocalStack.envJsonText(host);
      if (envFile.getParent() != null) {
        Files.createDirectories(envFile.getParent());
      }
      Files.writeString(envFile, env + System.lineSeparator());
      OUT.printf(
          "moto (DynamoDB) http://%s:%d   table %s%n",
          host, SamLocalStack.DYNAMODB_PORT, LocalVideohook.TABLE);
      OUT.printf(
          "moto (S3)       http://%s:%d   bucket %s%n",
          host, SamLocalStack.S3_PORT, LocalVideohook.BUCKET);
      OUT.printf(
          "video host      http://127.0.0.1:%d/videos/{jobId}/0.mp4   (events/*-local.json)%n",
          SamLocalStack.VIDEO_PORT);
      OUT.println();
      OUT.println("env.json, written to " + envFile + ":");
      OUT.println(env);
      OUT.println();
      OUT.println("In another terminal (Ctrl-C here stops the emulators):");
      OUT.println(
          "  java -jar target/videohook-cli.jar sign-event events/openrouter-completed-local.json"
              + " --secret "
              + LocalVideohook.DEFAULT_SECRET
              + " -o target/sam-local/signed.json");
      String network = host.equals(SamLocalStack.DOCKER_HOST) ? "" : " --docker-network host";
      OUT.println(
          "  sam local invoke WebhookFunction -e target/sam-local/signed.json --env-vars "
              + envFile
              + network);
      OUT.println(
          "  sam local invoke DownloadFunction -e events/dynamodb-stream-completed-local.json"
              + " --env-vars "
              + envFile
              + network);
      new CountDownLatch(1).await();
      return 0;
    }
  }

  /**
   * The printed send-test line's arguments: the event names the simulated CDN's sample video, so
   * its job is downloaded and ends stored (the simulator's API knows no job the user made up).
   */
  static String sendTestArgs(LocalVideohook stack) {
    return "send-test --provider openrouter --url "
        + stack.callbackUrl("$default", Provider.OPENROUTER)
        + " --secret "
        + stack.webhookSecret(Provider.OPENROUTER)
        + " --unsigned-url "
        + stack.simulator(Provider.OPENROUTER).sampleVideoUrl();
  }

  private static String text(String error) {
    return error == null ? "no error recorded" : error;
  }

  static Optional<JobStatus> status(LocalVideohook stack, Provider provider, String jobId) {
    return stack.jobStore().find(new JobKey("acme", provider, jobId)).map(Job::status);
  }

  static Optional<JobStatus> awaitStatus(
      LocalVideohook stack, Provider provider, String jobId, Predicate<JobStatus> done)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(STEP_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      Optional<JobStatus> status = status(stack, provider, jobId);
      if (status.isPresent() && done.test(status.get())) {
        return status;
      }
      Thread.sleep(50);
    }
    return Optional.empty();
  }

  static String completedEvent(String jobId) throws IOException {
    return JSON.std.asString(
        SampleEvents.terminal(
            EventType.COMPLETED, jobId, List.of("https://example.com/" + jobId + ".mp4")));
  }

  static int post(URI url, Provider provider, String secret, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .header("Content-Type", "application/json")
            .header(
                provider.signatureHeader(),
                provider.sign(secret, Instant.now().getEpochSecond(), bytes))
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    return HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  static HttpResponse<String> get(URI url) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void step(String what, String detail) {
    OUT.printf("%s %-20s %s%n", what.isEmpty() ? "   " : "==>", what, detail);
  }
}
