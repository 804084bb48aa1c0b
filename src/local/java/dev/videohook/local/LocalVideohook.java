package dev.videohook.local;

import dev.videohook.config.AwsClients;
import dev.videohook.download.DownloadConfig;
import dev.videohook.config.LocalMode;
import dev.videohook.download.DownloadHandler;
import dev.videohook.download.DownloadService;
import dev.videohook.download.StreamingUploader;
import dev.videohook.download.VideoDownloader;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStore;
import dev.videohook.job.JobTable;
import dev.videohook.notify.EventBridgePublisher;
import dev.videohook.notify.NotifyHandler;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderClient;
import dev.videohook.provider.SubmitRequest;
import dev.videohook.provider.SubmittedJob;
import dev.videohook.reconcile.ReconcileConfig;
import dev.videohook.reconcile.ReconcileReport;
import dev.videohook.reconcile.Reconciler;
import dev.videohook.retry.RetryPolicy;
import dev.videohook.retry.Sleeper;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.signature.SignatureVerifier;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.ProviderSimulator;
import dev.videohook.webhook.WebhookHandler;
import dev.videohook.webhook.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The whole system on this machine: moto and moto's S3 (two processes), the local API server in
 * front of the same webhook handler that Lambda runs, the stream poller that drives the same download
 * handler with the template's filter, and a simulated provider for each of OpenRouter and
 * ModelGates. Used by {@code mvn -Plocal} and by the end-to-end tests.
 */
public final class LocalVideohook implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalVideohook.class);
  public static final String TABLE = "videohook-jobs";
  public static final String BUCKET = "videohook-videos";

  /** As template.yaml's stream event: batch size and finite retries before the failure list. */
  static final int STREAM_BATCH_SIZE = 10;

  static final int STREAM_MAX_RETRIES = 3;

  /** The secret the provider guide's examples use, when the environment names none. */
  public static final String DEFAULT_SECRET = "dev_secret";

  /** The API key the simulated providers expect; the real ones never reach the local stack. */
  public static final String SIMULATOR_API_KEY = "sk-local-simulator";

  /** The stack's bus on moto ({@code EVENT_BUS_NAME}), and the queue its rule delivers to. */
  public static final String EVENT_BUS = "videohook-events";

  /** The notify function's on-failure destination on moto, as template.yaml's. */
  public static final String NOTIFY_FAILED_QUEUE = "videohook-notify-failed";

  private final MotoServer dynamoDb;
  private final LocalS3 s3;
  private final LocalApiServer api;
  private final LocalStreamPoller poller;
  private final LocalStreamPoller notifyPoller;
  private final LocalEventBus eventBus;
  private final TenantSecrets secrets;
  private final Map<String, String> env;
  private final Map<Provider, ProviderSimulator> simulators;
  private final ScheduledExecutorService reconcileTimer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "local-reconciler");
            thread.setDaemon(true);
            return thread;
          });

  private LocalVideohook(
      MotoServer dynamoDb,
      LocalS3 s3,
      LocalApiServer api,
      LocalStreamPoller poller,
      LocalStreamPoller notifyPoller,
      LocalEventBus eventBus,
      TenantSecrets secrets,
      Map<String, String> env,
      Map<Provider, ProviderSimulator> simulators) {
    this.dynamoDb = dynamoDb;
    this.s3 = s3;
    this.api = api;
    this.poller = poller;
    this.notifyPoller = notifyPoller;
    this.eventBus = eventBus;
    this.secrets = secrets;
    this.env = env;
    this.simulators = simulators;
  }

  /**
   * The tenants this stack serves by name (its {@value LocalSecrets#TENANTS_ENV} setting); the
   * {@code $default} stage answers too.
   */
  public List<String> tenants() {
    return LocalSecrets.tenants(env).stream()
        .filter(t -> !t.equals(LocalSecrets.DEFAULT_STAGE_TENANT))
        .toList();
  }

  /**
   * @param port the API server's port, 0 for any free one
   * @param environment where the signing secrets come from; a provider without one gets {@link
   *     #DEFAULT_SECRET}
   */
  public static LocalVideohook start(int port, Map<String, String> environment) throws IOException {
    return start(LocalPorts.any(port), environment);
  }

  /** On {@code ports}: see {@link LocalPorts}; the API server's port must be free. */
  public static LocalVideohook start(LocalPorts ports, Map<String, String> environment)
      throws IOException {
    return start(ports, environment, RetryPolicy.defaults());
  }

  /**
   * As {@link #start(LocalPorts, Map)}, the download function retrying each source under {@code
   * downloadRetries} instead of the Lambda's {@link RetryPolicy#defaults()}: tests whose downloads
   * fail on purpose pass short pauses, so that every attempt still runs without seconds of waiting.
   */
  public static LocalVideohook start(
      LocalPorts ports, Map<String, String> environment, RetryPolicy downloadRetries)
      throws IOException {
    int port = ports.api();
    Map<String, String> env = new HashMap<>(environment);
    for (Provider provider : Provider.values()) {
      env.putIfAbsent(provider.webhookSecretEnv(), DEFAULT_SECRET);
    }
    // moto's S3 starts while moto itself starts and its tables, secrets and bus are made: each
    // process spends about a second importing moto, and nothing needs S3 before the bucket
    CompletableFuture<LocalS3> startingS3 =
        CompletableFuture.supplyAsync(
            () ->
                ports.s3() == 0
                    ? LocalS3.start()
                    : LocalS3.start("127.0.0.1", LoopbackPort.preferred(ports.s3())),
            // its own thread: the common pool may have one thread, which moto's start needs
            task -> {
              Thread thread = new Thread(task, "local-s3-start");
              thread.setDaemon(true);
              thread.start();
            });
    MotoServer dynamoDb;
    try {
      dynamoDb =
          ports.moto() == 0
              ? MotoServer.start()
              : MotoServer.start(
                  System.getenv(), "127.0.0.1", LoopbackPort.preferred(ports.moto()));
    } catch (RuntimeException e) {
      startingS3.thenAccept(LocalS3::close);
      throw e;
    }
    LocalS3 s3 = null;
    LocalStreamPoller poller = null;
    LocalStreamPoller notifyPoller = null;
    LocalEventBus eventBus = null;
    Map<Provider, ProviderSimulator> simulators = new EnumMap<>(Provider.class);
    try {
      for (Provider provider : Provider.values()) {
        simulators.put(
            provider,
            ProviderSimulator.start(
                provider,
                SIMULATOR_API_KEY,
                env.get(provider.webhookSecretEnv()),
                Faults.none(),
                ports.simulatorApi(provider),
                ports.simulatorCdn(provider)));
      }
      dynamoDb.createJobTable(TABLE);
      // the secrets every function reads, where template.yaml puts them, read as in AWS
      LocalSecrets.create(
          dynamoDb.secretsClient(), LocalSecrets.tenants(env), env, SIMULATOR_API_KEY);
      TenantSecrets secrets = LocalSecrets.reader(dynamoDb.secretsClient());
      JobStore store = new JobStore(dynamoDb.client(), TABLE);
      WebhookHandler handler =
          new WebhookHandler(
              new WebhookReceiver(
                  store,
                  secrets,
                  SignatureVerifier.DEFAULT_TOLERANCE,
                  64 * 1024,
                  Clock.systemUTC()));
      s3 = joined(startingS3);
      s3.createBucket(BUCKET);
      DownloadHandler downloads =
          new DownloadHandler(
              downloadService(
                  downloadSettings(dynamoDb, s3, simulators), secrets, dynamoDb, downloadRetries));
      poller =
          new LocalStreamPoller(
              dynamoDb.client(),
              dynamoDb.streamsClient(),
              TABLE,
              JobTable.DOWNLOAD_FILTER_PATTERNS,
              event -> downloads.handleRequest(event, null),
              STREAM_BATCH_SIZE,
              STREAM_MAX_RETRIES,
              Duration.ofMillis(200));
      // the notify function's event source: the same stream, its own filter; its events go
      // through EventBridge (a bus, a rule, a queue) as in AWS
      eventBus = LocalEventBus.create(dynamoDb.eventsClient(), dynamoDb.sqsClient(), EVENT_BUS);
      NotifyHandler notify =
          new NotifyHandler(new EventBridgePublisher(dynamoDb.eventsClient(), EVENT_BUS));
      notifyPoller =
          new LocalStreamPoller(
              dynamoDb.client(),
              dynamoDb.streamsClient(),
              TABLE,
              JobTable.NOTIFY_FILTER_PATTERNS,
              event -> notify.handleRequest(event, null),
              STREAM_BATCH_SIZE,
              STREAM_MAX_RETRIES,
              Duration.ofMillis(200),
              // template.yaml's NotifyFailedQueue
              LocalFailedBatchQueue.create(dynamoDb.sqsClient(), NOTIFY_FAILED_QUEUE, "notify"));
      LocalApiServer api = LocalApiServer.start(port, handler, store, eventBus, s3.presigner());
      LocalVideohook stack =
          new LocalVideohook(
              dynamoDb, s3, api, poller, notifyPoller, eventBus, secrets, env, simulators);
      try {
        stack.scheduleReconciler(env);
      } catch (RuntimeException e) {
        // the rest is closed below
        stack.reconcileTimer.shutdownNow();
        api.close();
        throw e;
      }
      return stack;
    } catch (IOException | RuntimeException e) {
      simulators.values().forEach(ProviderSimulator::close);
      if (poller != null) {
        poller.close();
      }
      if (notifyPoller != null) {
        notifyPoller.close();
      }
      if (eventBus != null) {
        eventBus.close();
      }
      if (s3 != null) {
        s3.close();
      } else {
        startingS3.thenAccept(LocalS3::close);
      }
      dynamoDb.close();
      throw e;
    }
  }

  /** The started S3, or the exception its start threw (unwrapped, as a plain start throws it). */
  private static LocalS3 joined(CompletableFuture<LocalS3> starting) {
    try {
      return starting.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /**
   * Runs the reconciler every {@code RECONCILE_INTERVAL_SECONDS}, as the EventBridge schedule does
   * in AWS: only when {@code environment} sets it (serve mode does), so that tests run it
   * themselves.
   */
  private void scheduleReconciler(Map<String, String> environment) {
    if (!environment.containsKey(ReconcileConfig.RECONCILE_INTERVAL_SECONDS)) {
      return;
    }
    Map<String, String> settings = reconcileSettings();
    ReconcileConfig config = ReconcileConfig.fromEnvironment(settings);
    Reconciler reconciler = reconciler(config, Clock.systemUTC(), Sleeper.SYSTEM);
    long seconds = config.interval().toSeconds();
    reconcileTimer.scheduleWithFixedDelay(
        () -> {
          try {
            reconciler.run(Instant.now().plus(config.interval()));
          } catch (RuntimeException e) {
            LOG.atWarn().setCause(e).log("local reconciler run failed");
          }
        },
        seconds,
        seconds,
        TimeUnit.SECONDS);
  }

  /**
   * What the reconcile function's environment holds in AWS, pointed at this machine; the interval
   * and minimum age from this stack's environment when set there.
   */
  public Map<String, String> reconcileSettings() {
    Map<String, String> settings = new HashMap<>();
    settings.put("JOBS_TABLE", TABLE);
    settings.put("AWS_REGION", MotoServer.REGION.id());
    settings.put("DYNAMODB_ENDPOINT", dynamoDb.endpoint().toString());
    settings.put(LocalMode.LOOPBACK_HTTP, "true");
    for (String name :
        new String[] {
          ReconcileConfig.RECONCILE_INTERVAL_SECONDS,
          ReconcileConfig.RECONCILE_MIN_AGE_SECONDS,
          ReconcileConfig.RECONCILE_DEADLINE_SECONDS,
          ReconcileConfig.RECONCILE_MAX_JOBS_PER_RUN
        }) {
      if (env.get(name) != null) {
        settings.put(name, env.get(name));
      }
    }
    for (Map.Entry<Provider, ProviderSimulator> simulator : simulators.entrySet()) {
      settings.put(simulator.getKey().apiBaseEnv(), simulator.getValue().apiBase().toString());
      settings.put(simulator.getKey().apiKeyEnv(), SIMULATOR_API_KEY);
    }
    return settings;
  }

  /**
   * One reconciler run against this stack, with a clock of the caller's (a test's clock ahead of
   * the wall clock makes pending jobs old enough).
   */
  public ReconcileReport reconcile(Clock clock) {
    Map<String, String> settings = reconcileSettings();
    ReconcileConfig config = ReconcileConfig.fromEnvironment(settings);
    return reconciler(config, clock, Sleeper.SYSTEM).run(clock.instant().plus(config.interval()));
  }

  /** The reconcile function, its provider API keys read from Secrets Manager as in AWS. */
  private Reconciler reconciler(ReconcileConfig config, Clock clock, Sleeper sleeper) {
    return new Reconciler(
        new JobStore(dynamoDb.client(), TABLE, config.deliveryTtl()),
        Reconciler.clients(config, secrets),
        clock,
        sleeper,
        config);
  }

  /**
   * As {@code DownloadService.fromEnvironment} builds the download function, with the provider API
   * keys read from Secrets Manager as in AWS.
   */
  private static DownloadService downloadService(
      Map<String, String> settings,
      TenantSecrets secrets,
      MotoServer dynamoDb,
      RetryPolicy retries) {
    DownloadConfig config = DownloadConfig.fromEnvironment(settings);
    StreamingUploader uploader =
        new StreamingUploader(AwsClients.s3(config.shared()), config.bucket());
    VideoDownloader downloader =
        VideoDownloader.builder(uploader, secrets)
            .apiBases(config.apiBases())
            .allowLoopbackHttp(config.allowLoopbackHttp())
            .maxBytes(config.maxBytes())
            .retry(retries)
            .build();
    return new DownloadService(
        downloader,
        new JobStore(dynamoDb.client(), TABLE),
        Clock.systemUTC(),
        config.giveUpAfterAttempts());
  }

  /** What the download function's environment holds in AWS, pointed at this machine. */
  private static Map<String, String> downloadSettings(
      MotoServer dynamoDb, LocalS3 s3, Map<Provider, ProviderSimulator> simulators) {
    Map<String, String> settings = new HashMap<>();
    settings.put("JOBS_TABLE", TABLE);
    settings.put("VIDEO_BUCKET", BUCKET);
    settings.put("AWS_REGION", MotoServer.REGION.id());
    settings.put("DYNAMODB_ENDPOINT", dynamoDb.endpoint().toString());
    settings.put("S3_ENDPOINT", s3.endpoint().toString());
    // the simulated providers serve plain http on loopback: local mode only
    settings.put(LocalMode.LOOPBACK_HTTP, "true");
    settings.put("DOWNLOAD_RETRY_ATTEMPTS", Integer.toString(STREAM_MAX_RETRIES));
    for (Map.Entry<Provider, ProviderSimulator> simulator : simulators.entrySet()) {
      settings.put(simulator.getKey().apiBaseEnv(), simulator.getValue().apiBase().toString());
    }
    return settings;
  }

  /** See {@link LocalApiServer#onWebhook}. */
  public void onWebhook(java.util.function.BiConsumer<String, Integer> listener) {
    api.onWebhook(listener);
  }

  public URI apiBase() {
    return api.baseUri();
  }

  public URI callbackUrl(String tenant, Provider provider) {
    return api.callbackUrl(tenant, provider);
  }

  /** The moto process (DynamoDB, Secrets Manager, EventBridge, SQS): serve's console watches it. */
  MotoServer moto() {
    return dynamoDb;
  }

  public URI dynamoDbEndpoint() {
    return dynamoDb.endpoint();
  }

  public DynamoDbClient dynamoDb() {
    return dynamoDb.client();
  }

  public LocalS3 s3() {
    return s3;
  }

  public URI s3Endpoint() {
    return s3.endpoint();
  }

  /**
   * Stops the stream's consumers (download and notify) for good: for a bench that measures the
   * intake alone, so that they do not share the machine with it. Closing the stack is still safe.
   */
  public void stopStreamConsumers() {
    poller.close();
    notifyPoller.close();
    eventBus.close();
  }

  /**
   * The download function's stream consumer; its {@link LocalStreamPoller#failedBatches()} are the
   * batches the download handler failed for good: the local on-failure destination.
   */
  public LocalStreamPoller streamPoller() {
    return poller;
  }

  /** The downstream events the notify handler published, as the bus's rule delivered them. */
  public LocalEventBus eventBus() {
    return eventBus;
  }

  public JobStore jobStore() {
    return new JobStore(dynamoDb.client(), TABLE);
  }

  public ProviderSimulator simulator(Provider provider) {
    return simulators.get(provider);
  }

  /** A client for the simulated provider, as the CLI's {@code submit} would use the real one. */
  public ProviderClient providerClient(Provider provider) {
    return new ProviderClient(provider, simulator(provider).apiBase(), SIMULATOR_API_KEY);
  }

  /**
   * Submits a job to the simulated provider with this stack's callback URL and records it pending.
   */
  public SubmittedJob submit(Provider provider, String tenant, String model, String prompt)
      throws ProviderApiException {
    SubmittedJob job =
        providerClient(provider)
            .submit(
                new SubmitRequest(
                    model,
                    prompt,
                    4,
                    "720p",
                    "16:9",
                    false,
                    callbackUrl(tenant, provider),
                    Map.of()));
    jobStore()
        .recordSubmitted(new JobKey(tenant, provider, job.id()), model, prompt, Instant.now());
    return job;
  }

  /** The signing secret the receiver accepts for this provider. */
  public String webhookSecret(Provider provider) {
    return env.get(provider.webhookSecretEnv());
  }

  public boolean usesDefaultSecret(Provider provider) {
    return DEFAULT_SECRET.equals(webhookSecret(provider));
  }

  @Override
  public void close() {
    reconcileTimer.shutdownNow();
    simulators.values().forEach(ProviderSimulator::close);
    api.close();
    poller.close();
    notifyPoller.close();
    eventBus.close();
    s3.close();
    dynamoDb.close();
  }
}
