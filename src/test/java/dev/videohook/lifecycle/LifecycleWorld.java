package dev.videohook.lifecycle;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.cli.VideohookCli;
import dev.videohook.config.SharedConfig;
import dev.videohook.download.DownloadHandler;
import dev.videohook.download.DownloadService;
import dev.videohook.download.StreamingUploader;
import dev.videohook.download.VideoDownloader;
import dev.videohook.egress.TestDns;
import dev.videohook.event.EventType;
import dev.videohook.job.InMemoryJobStore;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobRepository;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.JobTable;
import dev.videohook.job.StoredObject;
import dev.videohook.local.EventFilter;
import dev.videohook.local.LocalS3;
import dev.videohook.local.LocalStreamPoller;
import dev.videohook.local.MotoServer;
import dev.videohook.operate.Redrive;
import dev.videohook.operate.RedriveReport;
import dev.videohook.operate.Replay;
import dev.videohook.operate.ReplayReport;
import dev.videohook.provider.Provider;
import dev.videohook.reconcile.ReconcileConfig;
import dev.videohook.reconcile.Reconciler;
import dev.videohook.retry.RetryPolicy;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.signature.SignatureVerifier;
import dev.videohook.testing.ControlledClock;
import dev.videohook.testing.ScriptedProvider;
import dev.videohook.testing.ScriptedProvider.SourceFault;
import dev.videohook.testing.ScriptedProvider.StatusAnswer;
import dev.videohook.testing.ScriptedProvider.VideoSize;
import dev.videohook.testing.SharedMoto;
import dev.videohook.testing.SharedS3;
import dev.videohook.testing.StoreOutage;
import dev.videohook.testing.TcpProxy;
import dev.videohook.testing.TestLambdaContext;
import dev.videohook.webhook.WebhookOutcome;
import dev.videohook.webhook.WebhookReceiver;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The whole of videohook on one table and one bucket, every actor real (receiver, job store,
 * reconciler, stream filter and download handler, and the {@code replay} and {@code redrive}
 * commands through the command line's own entry point) against the emulators, with a scripted
 * provider, a clock the test moves, and S3 behind a proxy that can be cut; and beside it, what the
 * test knows: an oracle of each job's outcome, decided by what the actors were told and answered.
 *
 * <p>The oracle, per job: the first terminal event the receiver acknowledged as recorded, or the
 * provider's truth as the reconciler read it, decides the outcome; an expiry by the reconciler
 * happens only past the job's deadline and leaves the job open to the provider's own terminal
 * event; a provider's terminal state is never replaced; {@code completed} ends {@code stored} or
 * {@code download_failed} with a reason of ours. Every stored object is read back from S3 and must
 * be what the job records (bytes, size, content type) and what the provider served.
 *
 * <p>Actors race on threads in some steps. Every actor runs under a real, short budget: one that
 * has not returned well after its budget is a failure (a call in flight nobody cut), not a hang.
 *
 * <p>The stream is played as Lambda's event source mapping plays it: the template's filter, one
 * record per invocation, a failed record retried (here, at the next processing step) until its
 * retries are spent, then sent to the on-failure list. A step may also lose the head record (it
 * aged past the stream's 24 h) or replay an old one.
 *
 * <p>Two backends hold the jobs ({@link Backend}): the DynamoDB store on moto, its stream read as
 * the event source mapping reads it, and the operator's commands run whole through the command
 * line; or the in-memory store, its stream the same records built from each write's old and new
 * item, filtered by the same patterns, and the operator's services called as the commands call
 * them. S3 is moto's in both. A world reuses its backend's table and bucket, emptied, so that a try
 * costs its steps and not an emulator's set-up.
 */
final class LifecycleWorld implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LifecycleWorld.class);

  static final String TENANT = "acme";

  /** A second tenant of the same stack, sharing the webhook secret (the model's worst case). */
  static final String OTHER_TENANT = "rival";

  static final Provider PROVIDER = Provider.OPENROUTER;
  static final String WEBHOOK_SECRET = "whsec-lifecycle";
  static final Duration TOLERANCE = Duration.ofSeconds(300);
  static final Duration RECONCILE_DEADLINE = Duration.ofHours(24);
  static final Duration STRANDED_AFTER = ReconcileConfig.DEFAULT_STRANDED_AFTER;

  /** The stream's first attempt and two retries, and the downloader gives up after as many. */
  static final int STREAM_MAX_RETRIES = 2;

  static final int GIVE_UP_AFTER_ATTEMPTS = STREAM_MAX_RETRIES + 1;

  /** The smallest part S3 takes (and moto, by default): a large video is three parts. */
  static final int PART_SIZE = 5 * 1024 * 1024;

  /**
   * The real time a stall costs: how long the downloader waits for a source's headers (a stalled
   * source stays silent a little longer) and between two of its reads, and how long a download
   * invocation has (Lambda's remaining time less the handler's margin; a trickling source runs
   * until it). Every stall in a sequence costs one of these, so they set the price of a sequence.
   *
   * @param idleTimeout between two reads of a source: the reader waits while parts upload
   * @param runBudget real time a reconciler run has (its stop, on the live clock): status calls on
   *     loopback take milliseconds, a trickling answer runs until it
   */
  record Timing(
      Duration responseTimeout, Duration idleTimeout, Duration downloadBudget, Duration runBudget) {
    /**
     * On moto: two 5 MiB parts upload while the reader waits, which takes more than a second on a
     * loaded machine.
     */
    static final Timing MOTO =
        new Timing(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5), RUN_BUDGET);

    /**
     * In memory, for the many sequences: stalls cost a fraction; a large video may then run out of
     * time on a loaded machine, which the oracle allows (download_failed with our reason), and the
     * moto backend still stores large videos under the longer budget.
     */
    static final Timing IN_MEMORY =
        new Timing(
            Duration.ofMillis(500),
            Duration.ofMillis(1500),
            Duration.ofMillis(2500),
            Duration.ofMillis(1500));
  }

  final Timing timing;

  /** Real time a reconciler run has: a few status calls on loopback take milliseconds. */
  static final Duration RUN_BUDGET = Duration.ofSeconds(3);

  /** An operator's command: no deadline of its own, but every call it makes has one. */
  static final Duration COMMAND_BUDGET = Duration.ofSeconds(15);

  /**
   * How long past its budget an actor may still return (a loaded machine, a JIT): generous, since
   * this only tells a slow actor from one that would never return.
   */
  static final Duration GRACE = Duration.ofSeconds(8);

  /** One delivery the provider sent, as sent. */
  record Sent(
      String jobId,
      EventType type,
      String dedupeKey,
      byte[] body,
      String signature,
      long signedAt) {}

  /** What the test knows about one job: the oracle of its outcome. */
  static final class Known {
    final String id;
    final String source;
    final Instant submittedAt;

    /**
     * The provider's terminal state that decided the job (a delivery, or the reconciler's read).
     */
    EventType decided;

    /** Expired by the reconciler and not yet replaced by a provider's terminal event. */
    boolean expiredByReconciler;

    /** The last status seen in the table, and whether an {@code expired} was the reconciler's. */
    JobStatus status;

    boolean lastExpiredByReconciler;

    /** Once seen {@code stored}: how many requests its sources had had by then. */
    int sourceRequestsWhenStored = -1;

    Known(String id, String source, Instant submittedAt) {
      this.id = id;
      this.source = source;
      this.submittedAt = submittedAt;
    }

    JobKey key() {
      return new JobKey(TENANT, PROVIDER, id);
    }

    /** Nothing of the provider's has decided the job yet: pending, or the reconciler's expired. */
    boolean open() {
      return decided == null;
    }

    Set<JobStatus> allowedStatuses() {
      if (decided == EventType.COMPLETED) {
        return Set.of(JobStatus.COMPLETED, JobStatus.STORED, JobStatus.DOWNLOAD_FAILED);
      }
      if (decided != null) {
        // the oracle names the status itself: JobStatus.of is code under test
        return Set.of(JobStatus.fromValue(decided.status()).orElseThrow());
      }
      return Set.of(expiredByReconciler ? JobStatus.EXPIRED : JobStatus.PENDING);
    }
  }

  /** One run of the command line: its exit code and what it printed. */
  record CommandRun(int exitCode, String out, String err) {}

  /** Where the jobs are kept, and so who plays the stream and the operator. */
  enum Backend {
    /**
     * The DynamoDB store on moto, its stream polled, the commands run through the command line: the
     * wire, as deployed.
     */
    MOTO,
    /**
     * {@link InMemoryJobStore}, its stream built from each write, the operator's services called
     * directly: the same logic, at a fraction of the cost, for the many sequences.
     */
    IN_MEMORY
  }

  final Backend backend;

  /**
   * The test's clock starts at the wall clock's second and only moves on, so it is never behind it:
   * the command line on moto reads the wall clock, and a download lease it claims must compare with
   * one the world's actors claim on {@link #live} as they would on one clock.
   */
  final ControlledClock clock = new ControlledClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

  /**
   * The test's clock, moving on with real time as well: the time of the actors that run under a
   * real budget (a download invocation, a reconciler run, an operator's download), so that a stall
   * runs out against their deadlines while the test's jumps still pass every job's. Their leases
   * are claimed and bounded on this one clock, as in Lambda, where there is only one.
   */
  final Clock live = new LiveClock(clock, System.nanoTime());

  final StoreOutage outage = new StoreOutage();
  final ScriptedProvider provider;
  final String table;
  final String bucket;
  final TcpProxy s3Path = new TcpProxy(SharedS3.get().endpoint());
  final Map<String, Known> jobs = new LinkedHashMap<>();
  final List<Sent> sent = new ArrayList<>();
  final List<String> steps = new ArrayList<>();
  final List<DynamodbStreamRecord> onFailure = new ArrayList<>();

  private final S3Client checkS3 = SharedS3.get().client();
  private final S3Client streamS3 = LocalS3.client(s3Path.endpoint());

  /** The store as the test reads it: never through the world's outage. */
  private final JobRepository checkStore;

  /** The store as the actors reach it: through the world's outage. */
  private final JobRepository store;

  /** The operator's downloads (in memory): straight to S3, as the commands' are. */
  private final DownloadService operatorDownloads;

  private final Secrets secrets;
  private final WebhookReceiver receiver;
  private final DownloadHandler downloads;
  private final ReconcileConfig reconcileConfig;
  private final ExecutorService actors =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "lifecycle-actor");
            thread.setDaemon(true);
            return thread;
          });
  private Reconciler reconciler;
  private int keyGeneration;
  private int nextJob;

  /** What was read back of each object, by key and ETag: large objects are read once. */
  private final Map<String, ReadBack> readBack = new HashMap<>();

  private record ReadBack(String eTag, String sha256, long size, String contentType) {}

  // the stream, as the event source mapping sees it
  private static final EventFilter FILTER = new EventFilter(JobTable.DOWNLOAD_FILTER_PATTERNS);

  /** The in-memory store's stream: each write's record, in the order the writes were made. */
  private final ConcurrentLinkedQueue<Record> written = new ConcurrentLinkedQueue<>();

  private final AtomicLong sequence = new AtomicLong();
  private final List<DynamodbStreamRecord> queue = new ArrayList<>();
  private final List<DynamodbStreamRecord> handled = new ArrayList<>();
  private int headAttempts;

  /** A world on moto, as the named regression tests use it. */
  LifecycleWorld() {
    this(Backend.MOTO);
  }

  LifecycleWorld(Backend backend) {
    long t0 = System.nanoTime();
    this.backend = backend;
    this.timing = backend == Backend.MOTO ? Timing.MOTO : Timing.IN_MEMORY;
    String key = "sk-lifecycle-0";
    provider = new ScriptedProvider(key, timing.responseTimeout().toMillis() + 100);
    secrets = new Secrets(key);
    bucket = Shared.bucket(backend);
    if (backend == Backend.MOTO) {
      MotoTable moto = MotoTable.get();
      table = moto.table;
      moto.empty();
      DynamoDbClient faulty =
          outage.client(SharedMoto.get().endpoint(), MotoServer.REGION, MotoServer.CREDENTIALS);
      store = new JobStore(faulty, table);
      checkStore = new JobStore(SharedMoto.get().client(), table);
    } else {
      table = "in-memory";
      InMemoryJobStore memory = new InMemoryJobStore();
      memory.onChange(this::written);
      checkStore = memory;
      store = throughOutage(memory);
    }
    receiver = new WebhookReceiver(store, secrets, TOLERANCE, 256 * 1024, clock);
    DownloadService downloadService =
        new DownloadService(downloader(streamS3), store, live, GIVE_UP_AFTER_ATTEMPTS);
    operatorDownloads =
        new DownloadService(downloader(checkS3), checkStore, live, GIVE_UP_AFTER_ATTEMPTS);
    // the invocation's deadline is real time: Lambda's clock does not stop for the test's
    downloads = new DownloadHandler(downloadService, live);
    reconcileConfig =
        new ReconcileConfig(
            new SharedConfig(
                table,
                MotoServer.REGION,
                Optional.of(SharedMoto.get().endpoint()),
                Optional.empty()),
            Duration.ofMinutes(10),
            Duration.ofMinutes(10),
            RECONCILE_DEADLINE,
            200,
            Map.of(PROVIDER, provider.apiBase()),
            true,
            JobStore.DEFAULT_DELIVERY_TTL,
            STRANDED_AFTER);
    reconciler = newReconciler();
    JobLifecyclePropertyTest.TIMES.merge("NEW", System.nanoTime() - t0, Long::sum);
  }

  private VideoDownloader downloader(S3Client s3) {
    TestDns dns =
        new TestDns(
            Map.of(
                ScriptedProvider.STORAGE_HOST, List.of("127.0.0.1"),
                ScriptedProvider.REFUSED_HOST, List.of("0.0.0.0")));
    return VideoDownloader.builder(new StreamingUploader(s3, bucket, PART_SIZE), secrets)
        .apiBases(Map.of(PROVIDER, provider.apiBase()))
        .allowLoopbackHttp(true)
        .resolver(dns)
        .retry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2), d -> {}))
        .responseTimeout(timing.responseTimeout())
        .idleTimeout(timing.idleTimeout())
        .build();
  }

  /**
   * The in-memory store as the actors reach it: every call fails while the store is down, as the
   * DynamoDB client does before it sends a request ({@link StoreOutage}).
   */
  private JobRepository throughOutage(JobRepository memory) {
    return (JobRepository)
        Proxy.newProxyInstance(
            JobRepository.class.getClassLoader(),
            new Class<?>[] {JobRepository.class},
            (proxy, method, args) -> {
              if (method.getDeclaringClass() != Object.class && outage.isDown()) {
                throw SdkClientException.create("store outage: the store cannot be reached");
              }
              try {
                return method.invoke(memory, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  /**
   * The record DynamoDB Streams would write for one change of an item (NEW_AND_OLD_IMAGES): called
   * inside the in-memory store's write, so one item's records keep the order of its writes.
   */
  private void written(Map<String, AttributeValue> oldItem, Map<String, AttributeValue> newItem) {
    var change =
        software.amazon.awssdk.services.dynamodb.model.StreamRecord.builder()
            .keys(Map.of(JobTable.PK, newItem.get(JobTable.PK)))
            .newImage(newItem)
            .sequenceNumber(String.format("%021d", sequence.incrementAndGet()))
            .sizeBytes((long) newItem.toString().length())
            .streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)
            .approximateCreationDateTime(Instant.now());
    if (oldItem != null) {
      change.oldImage(oldItem);
    }
    written.add(
        Record.builder()
            .eventID(UUID.randomUUID().toString())
            .eventName(oldItem == null ? OperationType.INSERT : OperationType.MODIFY)
            .eventVersion("1.1")
            .eventSource("aws:dynamodb")
            .awsRegion(MotoServer.REGION.id())
            .dynamodb(change.build())
            .build());
  }

  private Reconciler newReconciler() {
    return new Reconciler(
        store, Reconciler.clients(reconcileConfig, secrets), live, clock::advance, reconcileConfig);
  }

  // --- actions ---

  /** A job submitted to the provider and recorded {@code pending}, as the CLI does. */
  void submit(int outputs, String contentType, String source) {
    submit(outputs, contentType, source, VideoSize.SMALL, false);
  }

  /** As {@link #submit(int, String, String)}, its outputs of {@code size}. */
  void submit(
      int outputs, String contentType, String source, VideoSize size, boolean newBytesPerRequest) {
    String id = "job-" + nextJob++;
    provider.submit(id, outputs, contentType, source, size, newBytesPerRequest);
    store.recordSubmitted(
        new JobKey(TENANT, PROVIDER, id), "google/veo-3.1-lite", "a lamp", clock.instant());
    jobs.put(id, new Known(id, source, clock.instant()));
  }

  void finish(String id, EventType outcome) {
    provider.finish(id, outcome.status());
  }

  /** The provider signs and sends a terminal event of {@code type} for the job, now. */
  WebhookOutcome deliver(String id, EventType type) {
    Sent delivery = sign(id, type);
    sent.add(delivery);
    return judgeDeliveries(delivery, List.of(post(delivery)));
  }

  private Sent sign(String id, EventType type) {
    ScriptedProvider.Job job = provider.job(id);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", id);
    data.put("status", type.status());
    data.put("model", "google/veo-3.1-lite");
    if (type == EventType.COMPLETED) {
      data.put("unsigned_urls", job.unsignedUrls());
      data.put("usage", Map.of("cost", 0.4, "is_byok", false));
    }
    if (type == EventType.FAILED) {
      data.put("error", "the model refused the prompt");
    }
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("type", type.wireName());
    event.put("created_at", clock.instant().toString());
    event.put("data", data);
    byte[] body;
    try {
      body = JSON.std.asBytes(event);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return signed(id, type, id + "-" + type.status(), body);
  }

  private Sent signed(String id, EventType type, String dedupeKey, byte[] body) {
    long t = clock.instant().getEpochSecond();
    return new Sent(
        id, type, dedupeKey, body, SignatureVerifier.signatureHeader(WEBHOOK_SECRET, t, body), t);
  }

  /**
   * A delivery for one of our jobs, signed with the secret the two tenants share, replayed at
   * another tenant's URL: refused as another tenant's job (204, nothing written), never a second
   * job or a second download, the job unchanged (its own checks after the step).
   */
  WebhookOutcome deliverAsOtherTenant(String id, EventType type) {
    Sent delivery = sign(id, type);
    Map<String, String> headers = new HashMap<>();
    headers.put(PROVIDER.signatureHeader().toLowerCase(Locale.ROOT), delivery.signature());
    headers.put(PROVIDER.idempotencyHeader().toLowerCase(Locale.ROOT), delivery.dedupeKey());
    boolean down = outage.isDown();
    WebhookOutcome outcome = receiver.receive(OTHER_TENANT, PROVIDER, headers, delivery.body());
    if (checkStore.find(new JobKey(OTHER_TENANT, PROVIDER, id)).isPresent()) {
      throw new AssertionError(
          "a delivery for " + TENANT + "'s job " + id + " made a job for " + OTHER_TENANT);
    }
    WebhookOutcome expected = down ? WebhookOutcome.STORAGE_FAILED : WebhookOutcome.FOREIGN_TENANT;
    if (outcome != expected && !(down && outcome == WebhookOutcome.FOREIGN_TENANT)) {
      throw new AssertionError(
          "a delivery for "
              + TENANT
              + "'s job "
              + id
              + " at "
              + OTHER_TENANT
              + "'s URL was answered "
              + outcome
              + ", not "
              + expected);
    }
    return outcome;
  }

  /** A delivery sent again, freshly signed (the provider's retry). */
  WebhookOutcome resend(int index) {
    Sent old = sent.get(index % sent.size());
    Sent again = signed(old.jobId(), old.type(), old.dedupeKey(), old.body());
    return judgeDeliveries(again, List.of(post(again)));
  }

  /** A delivery replayed byte for byte, signature included (by the provider or anyone). */
  WebhookOutcome replay(int index) {
    Sent old = sent.get(index % sent.size());
    return judgeDeliveries(old, List.of(post(old)));
  }

  /** The same delivery, freshly signed, from {@code senders} threads at the same instant. */
  List<WebhookOutcome> deliverAtOnce(String id, EventType type, int senders) {
    Sent delivery = sign(id, type);
    sent.add(delivery);
    List<Callable<WebhookOutcome>> posts = new ArrayList<>();
    for (int i = 0; i < senders; i++) {
      posts.add(() -> post(delivery));
    }
    List<WebhookOutcome> outcomes = race("the receiver", RUN_BUDGET, posts);
    judgeDeliveries(delivery, outcomes);
    return outcomes;
  }

  /**
   * The receiver's answer to one delivery, checked on its own: a 2xx only for what is durable, 401
   * for a stale signature and only for it, 5xx during a store outage.
   */
  private WebhookOutcome post(Sent delivery) {
    Map<String, String> headers = new HashMap<>();
    headers.put(PROVIDER.signatureHeader().toLowerCase(Locale.ROOT), delivery.signature());
    headers.put(PROVIDER.idempotencyHeader().toLowerCase(Locale.ROOT), delivery.dedupeKey());
    JobKey key = new JobKey(TENANT, PROVIDER, delivery.jobId());
    boolean down = outage.isDown();
    WebhookOutcome outcome = receiver.receive(TENANT, PROVIDER, headers, delivery.body());
    long age = clock.instant().getEpochSecond() - delivery.signedAt();
    boolean fresh = Math.abs(age) <= TOLERANCE.toSeconds();
    if (!fresh && outcome != WebhookOutcome.UNAUTHORIZED) {
      throw new AssertionError(
          "a delivery signed " + age + " s ago was answered " + outcome + ", not 401");
    }
    if (fresh && outcome == WebhookOutcome.UNAUTHORIZED) {
      throw new AssertionError("a fresh, validly signed delivery was refused as unsigned");
    }
    if (outcome.acknowledged()) {
      // invariant 1: a 2xx is never given for what is not durable (read past any outage)
      boolean durable =
          checkStore
                  .find(key)
                  .map(j -> delivery.dedupeKey().equals(j.terminalDelivery()))
                  .orElse(false)
              || checkStore.findDelivery(key, delivery.dedupeKey()).isPresent();
      if (!durable) {
        throw new AssertionError(
            "delivery " + delivery.dedupeKey() + " answered " + outcome + " without a record");
      }
    } else if (fresh && down && outcome != WebhookOutcome.STORAGE_FAILED) {
      throw new AssertionError("a delivery during a store outage was answered " + outcome);
    } else if (fresh && !down && !outage.isDown()) {
      throw new AssertionError(
          "a fresh, valid delivery " + delivery.dedupeKey() + " was answered " + outcome);
    }
    return outcome;
  }

  /**
   * The oracle's part for deliveries of one event: recorded at most once; recorded exactly when
   * nothing of the provider's had decided the job (so it decides it now); never acknowledged
   * without being recorded while the job was open.
   */
  private WebhookOutcome judgeDeliveries(Sent delivery, List<WebhookOutcome> outcomes) {
    Known known = jobs.get(delivery.jobId());
    long recorded = outcomes.stream().filter(o -> o == WebhookOutcome.RECORDED).count();
    String job = "job " + known.id + ": " + delivery.dedupeKey();
    if (recorded > 1) {
      throw new AssertionError(job + " was recorded " + recorded + " times: " + outcomes);
    }
    if (recorded == 1) {
      if (!known.open()) {
        throw new AssertionError(
            job
                + " was recorded over the provider's "
                + known.decided.status()
                + ", which is final");
      }
      known.decided = delivery.type();
      known.expiredByReconciler = false;
    } else if (known.open()) {
      for (WebhookOutcome outcome : outcomes) {
        if (outcome.acknowledged()) {
          throw new AssertionError(
              job
                  + " was answered "
                  + outcome
                  + " while nothing of the provider's had decided the job: the first terminal"
                  + " event is lost");
        }
      }
    }
    return outcomes.get(0);
  }

  /** One scheduled reconciler run (its Lambda invocation fails as a whole on a store outage). */
  void reconcile() {
    Map<String, ProviderView> before = providerViews();
    runReconciler();
    judgeReconciler(before, Set.of());
  }

  private void runReconciler() {
    bounded("a reconciler run", timing.runBudget(), this::reconcilerRun);
  }

  /** One reconciler run; a run that fails is logged, and the world goes on. */
  private Object reconcilerRun() {
    try {
      reconciler.run(live.instant().plus(timing.runBudget()));
    } catch (RuntimeException e) {
      LOG.info("reconciler run failed: {}", e.toString());
    }
    return null;
  }

  /** What the provider would have answered about each open job while the reconciler ran. */
  private record ProviderView(String status, StatusAnswer answer) {}

  private Map<String, ProviderView> providerViews() {
    Map<String, ProviderView> views = new HashMap<>();
    for (Known known : jobs.values()) {
      ScriptedProvider.Job job = provider.job(known.id);
      views.put(known.id, new ProviderView(job.status(), job.answer()));
    }
    return views;
  }

  /**
   * The oracle's part for a reconciler run: a job it decided holds the provider's truth, read from
   * a true answer; a job it expired was past its deadline.
   */
  private void judgeReconciler(Map<String, ProviderView> before, Set<String> except) {
    for (Known known : jobs.values()) {
      if (!known.open() || except.contains(known.id)) {
        continue;
      }
      Job job = checkStore.find(known.key()).orElseThrow();
      if (job.status() == JobStatus.PENDING) {
        continue;
      }
      boolean reconcilerExpiry =
          job.status() == JobStatus.EXPIRED && job.terminalDelivery() == null;
      if (reconcilerExpiry) {
        if (!known.expiredByReconciler) {
          // read after the run, the live clock is at least what the reconciler's was
          Duration age = Duration.between(known.submittedAt, live.instant());
          if (age.compareTo(RECONCILE_DEADLINE) < 0) {
            throw new AssertionError(
                "job "
                    + known.id
                    + " was expired by the reconciler at "
                    + age
                    + " old, before its deadline of "
                    + RECONCILE_DEADLINE);
          }
          known.expiredByReconciler = true;
        }
        continue;
      }
      ProviderView view = before.get(known.id);
      if (view == null
          || view.answer() != StatusAnswer.TRUTH && view.answer() != StatusAnswer.TRICKLE
          || !view.status().equals(job.status().value())) {
        throw new AssertionError(
            "job "
                + known.id
                + " was recorded "
                + job.status().value()
                + " by the reconciler, while the provider had it "
                + (view == null ? "unknown" : view.status() + " and answered " + view.answer()));
      }
      known.decided = EventType.fromStatus(view.status()).orElseThrow();
      known.expiredByReconciler = false;
    }
  }

  /**
   * A webhook and a reconciler run at once: whichever commits first decides, the other changes
   * nothing.
   */
  void deliverDuringReconcile(String id, EventType type) {
    Sent delivery = sign(id, type);
    sent.add(delivery);
    Map<String, ProviderView> before = providerViews();
    Known known = jobs.get(id);
    boolean wasOpen = known.open();
    List<Object> results =
        race(
            "a webhook against a reconciler run",
            timing.runBudget(),
            List.<Callable<Object>>of(() -> post(delivery), this::reconcilerRun));
    WebhookOutcome outcome = (WebhookOutcome) results.get(0);
    judgeReconciler(before, Set.of(id));
    if (outcome == WebhookOutcome.RECORDED || !wasOpen) {
      judgeDeliveries(delivery, List.of(outcome));
      return;
    }
    // the reconciler committed first (or nobody did): judged as its run, the delivery a late one
    judgeReconciler(before, Set.of());
    if (outcome.acknowledged() && known.open()) {
      throw new AssertionError(
          "job "
              + id
              + ": "
              + delivery.dedupeKey()
              + " was answered "
              + outcome
              + ", not recorded");
    }
  }

  /** A new reconciler container: its provider clients built afresh. */
  void coldStartReconciler() {
    reconciler = newReconciler();
  }

  /** The operator stores a new API key and revokes the old one at the provider. */
  void rotateApiKey() {
    String key = "sk-lifecycle-" + ++keyGeneration;
    secrets.apiKey = key;
    provider.rotateKey(key);
  }

  void answerStatus(String id, StatusAnswer answer) {
    provider.answerStatus(id, answer);
  }

  void sourceFault(String id, SourceFault fault, int times) {
    provider.fault(id, fault, times);
  }

  void clockJump(Duration by) {
    clock.advance(by);
  }

  /** Hands the head record of the stream to the download function; true if there was one. */
  boolean processStream() {
    poll();
    if (queue.isEmpty()) {
      return false;
    }
    DynamodbStreamRecord head = queue.get(0);
    if (invoke(head)) {
      queue.remove(0);
      handled.add(head);
      headAttempts = 0;
    } else if (++headAttempts > STREAM_MAX_RETRIES) {
      queue.remove(0);
      handled.add(head);
      onFailure.add(head);
      headAttempts = 0;
    }
    return true;
  }

  /**
   * The stream's next download while S3 goes away {@code afterMillis} into it, for a moment: the
   * upload in flight fails, and nothing half-written may show.
   */
  void processStreamWhileS3Fails(int afterMillis) {
    race(
        "the download function with S3 cut",
        timing.downloadBudget(),
        List.<Callable<Object>>of(
            () -> processStream(),
            () -> {
              Thread.sleep(afterMillis);
              s3Path.cut();
              Thread.sleep(20);
              s3Path.restore();
              return null;
            }));
  }

  /** The stream's next download, and {@code videohook replay} of a job, at once. */
  CommandRun processStreamDuringReplay(String id) {
    List<Object> results =
        race(
            "the download function against videohook replay",
            COMMAND_BUDGET,
            List.<Callable<Object>>of(() -> processStream(), () -> replayCommand(id)));
    return (CommandRun) results.get(1);
  }

  /** The stream's next download, and {@code videohook redrive}, at once. */
  CommandRun processStreamDuringRedrive() {
    List<Object> results =
        race(
            "the download function against videohook redrive",
            COMMAND_BUDGET,
            List.<Callable<Object>>of(() -> processStream(), this::redriveCommand));
    return (CommandRun) results.get(1);
  }

  /** The head record is never delivered (it aged out, or the mapping was off too long). */
  void loseStreamRecord() {
    poll();
    if (!queue.isEmpty()) {
      handled.add(queue.remove(0));
      headAttempts = 0;
    }
  }

  /** A record already handled (or lost) is handed to the function again. */
  void replayStreamRecord(int index) {
    poll();
    if (!handled.isEmpty()) {
      invoke(handled.get(index % handled.size()));
    }
  }

  private boolean invoke(DynamodbStreamRecord record) {
    DynamodbEvent event = new DynamodbEvent();
    event.setRecords(List.of(record));
    return bounded(
        "the download function",
        timing.downloadBudget(),
        () -> {
          StreamsEventResponse response;
          try {
            response =
                downloads.handleRequest(
                    event,
                    new TestLambdaContext(
                        live, DownloadHandler.DEADLINE_MARGIN.plus(timing.downloadBudget())));
          } catch (RuntimeException e) {
            return false;
          }
          return response.getBatchItemFailures() == null
              || response.getBatchItemFailures().isEmpty();
        });
  }

  /** The stream's new records that pass the download function's filter, queued for it. */
  private synchronized void poll() {
    List<Record> records = new ArrayList<>();
    if (backend == Backend.MOTO) {
      records.addAll(MotoTable.get().read());
    } else {
      for (Record record = written.poll(); record != null; record = written.poll()) {
        records.add(record);
      }
    }
    for (Record record : records) {
      checkLease(record);
      if (FILTER.matches(LocalStreamPoller.filterView(record))) {
        queue.add(LocalStreamPoller.toLambdaRecord(record));
      }
    }
  }

  // the job table's download lease attributes (JobTable keeps its names to its package)
  private static final String LEASE_OWNER = "download_lease_owner";
  private static final String LEASE_EXPIRES = "download_lease_expires";

  /** What broke "one download per job at a time", seen in the stream, reported by the checks. */
  private final List<String> leaseViolations = new ArrayList<>();

  /**
   * One download per job at a time, whoever starts it: no change of a job's item hands its lease
   * from one owner to another while the first one's lease still runs. A claimant reads the live
   * clock, or (a command line on moto) the wall clock; both only move on, so a lease that still
   * runs now, by the later of the two, certainly ran when it was taken.
   */
  private void checkLease(Record record) {
    if (!record.dynamodb().hasOldImage() || !record.dynamodb().hasNewImage()) {
      return;
    }
    Map<String, AttributeValue> before = record.dynamodb().oldImage();
    Map<String, AttributeValue> after = record.dynamodb().newImage();
    AttributeValue owner = before.get(LEASE_OWNER);
    AttributeValue taker = after.get(LEASE_OWNER);
    if (owner == null || taker == null || owner.s().equals(taker.s())) {
      return;
    }
    Instant until = Instant.ofEpochMilli(Long.parseLong(before.get(LEASE_EXPIRES).n()));
    Instant now = live.instant();
    Instant latest = now.isAfter(Instant.now()) ? now : Instant.now();
    if (until.isAfter(latest)) {
      leaseViolations.add(
          after.get(JobTable.PK).s()
              + ": a download took the job from another, whose lease runs until "
              + until
              + " (now "
              + latest
              + "): two downloads at once");
    }
  }

  /** {@code videohook redrive} as the operator runs it: the command line's own code, whole. */
  CommandRun redrive() {
    return bounded("videohook redrive", COMMAND_BUDGET, this::redriveCommand);
  }

  /** {@code videohook replay JOB_ID} as the operator runs it. */
  CommandRun replayJob(String id) {
    return bounded("videohook replay", COMMAND_BUDGET, () -> replayCommand(id));
  }

  private CommandRun redriveCommand() {
    return backend == Backend.MOTO ? command("redrive") : operator.redrive();
  }

  private CommandRun replayCommand(String id) {
    if (backend == Backend.IN_MEMORY) {
      return operator.replay(id);
    }
    return command("replay", id, "--tenant", TENANT, "--provider", PROVIDER.id());
  }

  /**
   * The command line's entry point with the settings an operator would set: the download
   * function's, the provider's API key of the moment; S3 and DynamoDB straight, not through the
   * world's faults. The command reads the wall clock, not the test's.
   */
  private CommandRun command(String... args) {
    Map<String, String> env = new HashMap<>();
    env.put(PROVIDER.apiKeyEnv(), secrets.apiKey);
    env.put(PROVIDER.apiBaseEnv(), provider.apiBase().toString());
    env.put("DOWNLOAD_ALLOW_LOOPBACK_HTTP", "true");
    env.put(SharedConfig.JOBS_TABLE, table);
    env.put(SharedConfig.DYNAMODB_ENDPOINT, SharedMoto.get().endpoint().toString());
    env.put(SharedConfig.S3_ENDPOINT, SharedS3.get().endpoint().toString());
    env.put(SharedConfig.AWS_REGION, MotoServer.REGION.id());
    env.put("VIDEO_BUCKET", bucket);
    List<String> all = List.of(args);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        VideohookCli.run(
            all.toArray(String[]::new),
            env,
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    LOG.info("videohook {}: exit {}: {}", String.join(" ", all), code, out);
    return new CommandRun(code, out.toString(), err.toString());
  }

  /**
   * Runs {@code actor} on a thread and waits for it a little longer than its {@code budget}: an
   * actor still running then has a call in flight that nothing cut.
   */
  private <T> T bounded(String actor, Duration budget, Callable<T> call) {
    return race(actor, budget, List.of(call)).get(0);
  }

  /** Runs every call at once, each on its own thread; their results in order. */
  private <T> List<T> race(String actors, Duration budget, List<Callable<T>> calls) {
    List<Future<T>> running = new ArrayList<>();
    for (Callable<T> call : calls) {
      running.add(this.actors.submit(call));
    }
    long until = System.nanoTime() + budget.plus(GRACE).toNanos();
    List<T> results = new ArrayList<>();
    for (Future<T> future : running) {
      try {
        results.add(future.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS));
      } catch (TimeoutException e) {
        throw new AssertionError(
            actors + " still running " + GRACE.toSeconds() + " s past its budget of " + budget);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw new AssertionError(actors + " threw", e.getCause());
      }
    }
    return results;
  }

  /**
   * Nobody acts any more but the system itself: the store is back, the provider's status answers
   * are its truth again (see {@link #clearStatusFaults}), the clock passes every deadline while the
   * reconciler runs on schedule and the stream drains.
   */
  void quietPeriod(boolean clearStatusFaults) {
    outage.up();
    s3Path.restore();
    if (clearStatusFaults) {
      for (String id : jobs.keySet()) {
        provider.answerStatus(id, StatusAnswer.TRUTH);
      }
    }
    drainStream();
    check();
    clock.advance(RECONCILE_DEADLINE.plus(Duration.ofHours(1)));
    reconcile();
    drainStream();
    check();
    clock.advance(STRANDED_AFTER.plus(Duration.ofHours(1)));
    reconcile();
    drainStream();
  }

  private void drainStream() {
    for (int i = 0; i < 1000 && processStream(); i++) {
      // the records of one job come one after another: the invariants are checked at the end
    }
  }

  // --- invariants ---

  /**
   * After every step: each job's status is what its oracle allows, no terminal state moved
   * backwards (but the reconciler's own {@code expired} replaced by a provider's terminal event),
   * every object in the bucket is read back and is what was served and what is recorded, no stored
   * job downloaded again, no lease taken from a download still running, no request to a refused
   * address, no API key off the API origin.
   */
  void check() {
    poll();
    synchronized (this) {
      if (!leaseViolations.isEmpty()) {
        throw new AssertionError(String.join("; ", leaseViolations));
      }
    }
    for (ScriptedProvider.Seen seen : provider.seen()) {
      if (seen.origin().equals(ScriptedProvider.REFUSED)) {
        throw new AssertionError("a request reached a refused address: " + seen.target());
      }
      if (!seen.origin().equals(ScriptedProvider.API) && seen.authorization() != null) {
        throw new AssertionError(
            "a credential was sent to the " + seen.origin() + " origin: " + seen.target());
      }
    }
    Map<String, Map<String, ReadBack>> objects = downloadsStarted() ? objectsByJob() : Map.of();
    Set<String> unknown = new HashSet<>(objects.keySet());
    unknown.removeAll(jobs.keySet());
    if (!unknown.isEmpty()) {
      throw new AssertionError("objects in the bucket for no job: " + unknown);
    }
    for (Known known : jobs.values()) {
      Job job =
          checkStore
              .find(known.key())
              .orElseThrow(() -> new AssertionError("job " + known.id + " disappeared"));
      checkTransition(known, job);
      checkOracle(known, job);
      checkObjects(known, job, objects.getOrDefault(known.id, Map.of()));
    }
  }

  private void checkOracle(Known known, Job job) {
    if (!known.allowedStatuses().contains(job.status())) {
      throw new AssertionError(
          "job "
              + known.id
              + " is "
              + job.status().value()
              + ", but "
              + (known.decided != null
                  ? "the provider's " + known.decided.status() + " decided it"
                  : known.expiredByReconciler
                      ? "the reconciler expired it and nothing replaced that"
                      : "nothing has decided it yet"));
    }
    if (known.expiredByReconciler && job.terminalDelivery() != null) {
      throw new AssertionError("job " + known.id + ": the reconciler's expiry holds a delivery");
    }
  }

  private void checkTransition(Known known, Job job) {
    JobStatus before = known.status;
    JobStatus now = job.status();
    boolean reconcilerExpiry = now == JobStatus.EXPIRED && job.terminalDelivery() == null;
    if (before != null
        && (before != now || known.lastExpiredByReconciler != reconcilerExpiry)
        && !allowed(before, known.lastExpiredByReconciler, now)) {
      throw new AssertionError(
          "job "
              + known.id
              + " moved backwards: "
              + describe(before, known.lastExpiredByReconciler)
              + " -> "
              + describe(now, reconcilerExpiry));
    }
    known.status = now;
    known.lastExpiredByReconciler = reconcilerExpiry;
  }

  private static String describe(JobStatus status, boolean byReconciler) {
    return status == JobStatus.EXPIRED && byReconciler
        ? "expired (by the reconciler)"
        : status.value();
  }

  /**
   * The lifecycle: pending to any terminal state; completed to stored or download_failed;
   * download_failed to stored (a redrive); the reconciler's own expired to a provider's terminal
   * state (its {@code expired} included); nothing else.
   */
  static boolean allowed(JobStatus from, boolean expiredByReconciler, JobStatus to) {
    return switch (from) {
      case PENDING -> true;
      case COMPLETED -> to == JobStatus.STORED || to == JobStatus.DOWNLOAD_FAILED;
      case DOWNLOAD_FAILED -> to == JobStatus.STORED;
      case EXPIRED ->
          expiredByReconciler
              && Set.of(
                      JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.EXPIRED)
                  .contains(to);
      default -> false;
    };
  }

  /**
   * Every object of the job read back from S3: bytes the provider served for that output, the job's
   * content type; once stored, exactly the recorded objects, each one's bytes, size and content
   * type as recorded.
   */
  private void checkObjects(Known known, Job job, Map<String, ReadBack> inBucket) {
    ScriptedProvider.Job at = provider.job(known.id);
    for (Map.Entry<String, ReadBack> object : inBucket.entrySet()) {
      int index = outputIndex(object.getKey());
      if (index >= at.outputs()) {
        throw new AssertionError("job " + known.id + " has an object for no output: " + object);
      }
      if (!at.served(index).contains(object.getValue().sha256())) {
        throw new AssertionError(
            "job " + known.id + ": " + object.getKey() + " holds bytes the provider never served");
      }
    }
    int requests = sourceRequests(known.id);
    if (job.status() != JobStatus.STORED) {
      return;
    }
    // a content-endpoint job whose provider will not say how many outputs it has is stored
    // with its first output only (the downloader's documented fallback)
    List<StoredObject> recorded = job.stored().objects();
    int expected = at.unsignedUrls().isEmpty() ? recorded.size() : at.outputs();
    if (recorded.isEmpty() || recorded.size() != expected) {
      throw new AssertionError(
          "job " + known.id + " stored " + recorded.size() + " of " + at.outputs());
    }
    Set<String> recordedKeys = new HashSet<>();
    for (StoredObject object : recorded) {
      recordedKeys.add(object.key());
      ReadBack read = inBucket.get(object.key());
      String where = "job " + known.id + " stored " + object.key();
      if (read == null) {
        throw new AssertionError(where + ", which is not in the bucket");
      }
      if (!read.sha256().equals(object.sha256())) {
        throw new AssertionError(
            where + " with sha256 " + object.sha256() + ", but S3 holds " + read.sha256());
      }
      if (read.size() != object.size()) {
        throw new AssertionError(
            where + " of " + object.size() + " bytes, but S3 holds " + read.size());
      }
      if (!object.contentType().equals(read.contentType())
          || !object.contentType().equals(at.contentType())) {
        throw new AssertionError(
            where
                + " as "
                + object.contentType()
                + ", S3 has "
                + read.contentType()
                + ", the provider served "
                + at.contentType());
      }
    }
    if (!recordedKeys.equals(inBucket.keySet())) {
      throw new AssertionError(
          "job "
              + known.id
              + " records "
              + recordedKeys
              + ", the bucket holds "
              + inBucket.keySet());
    }
    if (known.sourceRequestsWhenStored < 0) {
      known.sourceRequestsWhenStored = requests;
    } else if (requests > known.sourceRequestsWhenStored) {
      throw new AssertionError("job " + known.id + " was downloaded again after it was stored");
    }
  }

  private static int outputIndex(String key) {
    String name = key.substring(key.lastIndexOf('/') + 1);
    return Integer.parseInt(name.substring(0, name.indexOf('.')));
  }

  private boolean downloadsStarted() {
    return provider.seen().stream().anyMatch(s -> !s.target().matches("/api/v1/videos/[^/]+"));
  }

  private int sourceRequests(String id) {
    int count = 0;
    for (ScriptedProvider.Seen seen : provider.seen()) {
      if (seen.target().startsWith("/src/" + id + "/")
          || seen.target().startsWith("/api/v1/videos/" + id + "/content")) {
        count++;
      }
    }
    return count;
  }

  /** Every object in the bucket, read back (once per version), by job. */
  private Map<String, Map<String, ReadBack>> objectsByJob() {
    Map<String, Map<String, ReadBack>> byJob = new HashMap<>();
    for (S3Object object : checkS3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
      ReadBack read = readBack.get(object.key());
      if (read == null || !read.eTag().equals(object.eTag())) {
        ResponseBytes<GetObjectResponse> bytes =
            checkS3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key()));
        read =
            new ReadBack(
                object.eTag(),
                sha256(bytes.asByteArray()),
                bytes.asByteArray().length,
                bytes.response().contentType());
        readBack.put(object.key(), read);
      }
      String[] parts = object.key().split("/");
      // under another tenant's prefix: an object for no job of ours (a second download)
      String job = parts[0].equals(TENANT) ? parts[2] : object.key();
      byJob.computeIfAbsent(job, k -> new HashMap<>()).put(object.key(), read);
    }
    return byJob;
  }

  /**
   * After the quiet period: every job ended as its oracle says: a provider's terminal state that
   * decided it ({@code completed} as {@code stored}, or {@code download_failed} with a reason of
   * ours), or, never decided, {@code expired} by the reconciler with its reason.
   */
  void checkSettled() {
    check();
    for (Known known : jobs.values()) {
      Job job = checkStore.find(known.key()).orElseThrow();
      String where = "job " + known.id + " (" + known.source + ") ended " + job.status().value();
      switch (job.status()) {
        case STORED, FAILED, CANCELLED -> {}
        case DOWNLOAD_FAILED -> {
          String reason = job.download().lastError();
          if (blank(reason) || reason.startsWith("unexpected failure")) {
            throw new AssertionError(where + " without a clear reason: " + reason);
          }
        }
        case EXPIRED -> {
          if (job.terminalDelivery() == null && blank(job.error())) {
            throw new AssertionError(where + " by the reconciler without a reason");
          }
        }
        default -> throw new AssertionError(where + ": not settled");
      }
      if (known.open() && !known.expiredByReconciler) {
        throw new AssertionError(where + ", yet nothing decided it");
      }
    }
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("table " + table + ", bucket " + bucket + ", clock ");
    text.append(clock.instant());
    jobs.values().forEach(k -> text.append(", ").append(k.id).append(' ').append(k.status));
    return text.toString();
  }

  @Override
  public void close() {
    // an actor past its budget is still blocked on a call: closing the provider ends it
    provider.close();
    actors.shutdownNow();
    s3Path.close();
    streamS3.close();
  }

  /**
   * The operator's redrive and replay on the in-memory store: the services the commands call
   * ({@link Replay}, {@link Redrive}), with the commands' defaults and their exit codes; each
   * download straight to S3 under the world's download budget (the commands' default is an hour,
   * which only a stall would spend).
   */
  private final Operator operator = new Operator();

  private final class Operator {
    // the command line's exit codes (cli.ExitCode, which the command line keeps to itself)
    private static final int EXIT_OK = 0;
    private static final int EXIT_FAILED = 1;
    private static final int EXIT_DOWNLOAD_RUNNING = 75;

    CommandRun replay(String id) {
      Job found = checkStore.find(new JobKey(TENANT, PROVIDER, id)).orElse(null);
      if (found == null) {
        return new CommandRun(EXIT_FAILED, "", "no job " + id);
      }
      ReplayReport report =
          new Replay(checkStore, () -> operatorDownloads, live, operatorBudget())
              .replay(found, bytes -> {});
      int code =
          switch (report.outcome()) {
            case NO_VIDEO, FAILED_AGAIN -> EXIT_FAILED;
            case DOWNLOAD_RUNNING -> EXIT_DOWNLOAD_RUNNING;
            default -> EXIT_OK;
          };
      return new CommandRun(code, report.toString(), "");
    }

    CommandRun redrive() {
      RedriveReport report =
          new Redrive(checkStore, () -> checkS3, () -> operatorDownloads, live, operatorBudget())
              .run(
                  new Redrive.Request(Duration.ofHours(1), false, Optional.empty()),
                  step -> {},
                  job -> bytes -> {});
      int code =
          report.failedAgain() > 0
              ? EXIT_FAILED
              : report.downloadsRunning() > 0 ? EXIT_DOWNLOAD_RUNNING : EXIT_OK;
      return new CommandRun(code, report.toString(), "");
    }

    private Duration operatorBudget() {
      return timing.downloadBudget().plus(DownloadHandler.DEADLINE_MARGIN);
    }
  }

  /** The test's clock plus the real time since the world began. */
  private static final class LiveClock extends Clock {
    private final ControlledClock test;
    private final long bornNanos;

    LiveClock(ControlledClock test, long bornNanos) {
      this.test = test;
      this.bornNanos = bornNanos;
    }

    @Override
    public Instant instant() {
      return test.instant().plusNanos(System.nanoTime() - bornNanos);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }

  /** Each backend's bucket, emptied for every new world. */
  private static final class Shared {
    private static final Map<Backend, String> BUCKETS = new HashMap<>();

    static synchronized String bucket(Backend backend) {
      String bucket = BUCKETS.computeIfAbsent(backend, b -> SharedS3.newBucket());
      S3Client s3 = SharedS3.get().client();
      List<ObjectIdentifier> keys =
          s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream()
              .map(o -> ObjectIdentifier.builder().key(o.key()).build())
              .toList();
      if (!keys.isEmpty()) {
        s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(keys)));
      }
      return bucket;
    }
  }

  /**
   * The moto backend's one jobs table and its stream, for every world: emptied for each, and its
   * stream read on from where the last world left it (the emptying's records dropped).
   */
  private static final class MotoTable {
    private static MotoTable instance;

    final String table = SharedMoto.newJobTable();
    private final DynamoDbClient client = SharedMoto.get().client();
    private final DynamoDbStreamsClient streams = SharedMoto.get().streamsClient();
    private final String streamArn =
        client.describeTable(b -> b.tableName(table)).table().latestStreamArn();
    private final Map<String, String> iterators = new HashMap<>();

    static synchronized MotoTable get() {
      if (instance == null) {
        instance = new MotoTable();
      }
      return instance;
    }

    /** No item left, and the stream read past every record so far. */
    synchronized void empty() {
      for (Map<String, AttributeValue> item :
          client.scanPaginator(b -> b.tableName(table).projectionExpression(JobTable.PK)).items()) {
        client.deleteItem(b -> b.tableName(table).key(item));
      }
      read();
    }

    /** The records written since the last read, in order. */
    synchronized List<Record> read() {
      List<Record> records = new ArrayList<>();
      for (Shard shard :
          streams.describeStream(b -> b.streamArn(streamArn)).streamDescription().shards()) {
        String iterator =
            iterators.computeIfAbsent(
                shard.shardId(),
                id ->
                    streams
                        .getShardIterator(
                            b ->
                                b.streamArn(streamArn)
                                    .shardId(id)
                                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                        .shardIterator());
        if (iterator == null) {
          continue;
        }
        var result = streams.getRecords(b -> b.shardIterator(iterator).limit(1000));
        iterators.put(shard.shardId(), result.nextShardIterator());
        records.addAll(result.records());
      }
      return records;
    }
  }

  /** The tenant's webhook secret and its current API key, which an operator may rotate. */
  private static final class Secrets implements TenantSecrets {
    volatile String apiKey;

    Secrets(String apiKey) {
      this.apiKey = apiKey;
    }

    @Override
    public List<String> webhookSecrets(String tenant, Provider provider) {
      return List.of(WEBHOOK_SECRET);
    }

    @Override
    public Optional<String> apiKey(String tenant, Provider provider) {
      return Optional.of(apiKey);
    }
  }
}
