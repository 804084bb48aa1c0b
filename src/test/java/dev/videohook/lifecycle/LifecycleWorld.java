package dev.videohook.lifecycle;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.config.SharedConfig;
import dev.videohook.download.CompletedJob;
import dev.videohook.download.DownloadHandler;
import dev.videohook.download.DownloadService;
import dev.videohook.download.RetryPolicy;
import dev.videohook.download.StreamingUploader;
import dev.videohook.download.VideoDownloader;
import dev.videohook.event.EventType;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobPage;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.JobTable;
import dev.videohook.local.EventFilter;
import dev.videohook.local.LocalStreamPoller;
import dev.videohook.local.MotoServer;
import dev.videohook.net.TestDns;
import dev.videohook.provider.Provider;
import dev.videohook.reconcile.ReconcileConfig;
import dev.videohook.reconcile.Reconciler;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.signature.SignatureVerifier;
import dev.videohook.testing.ControlledClock;
import dev.videohook.testing.ScriptedProvider;
import dev.videohook.testing.ScriptedProvider.SourceFault;
import dev.videohook.testing.ScriptedProvider.StatusAnswer;
import dev.videohook.testing.SharedMoto;
import dev.videohook.testing.SharedS3;
import dev.videohook.testing.StoreOutage;
import dev.videohook.webhook.WebhookOutcome;
import dev.videohook.webhook.WebhookReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The whole of videohook on one table and one bucket, every actor real (receiver, job store,
 * reconciler, stream filter and download handler, redrive) against the emulators, with a scripted
 * provider and a clock the test moves; and beside it, what the test knows (each job's history and
 * every answer given), to check the invariants after each step.
 *
 * <p>The stream is played as Lambda's event source mapping plays it: the template's filter, one
 * record per invocation, a failed record retried (here, at the next processing step) until its
 * retries are spent, then sent to the on-failure list. A step may also lose the head record (it
 * aged past the stream's 24 h) or replay an old one.
 */
final class LifecycleWorld implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LifecycleWorld.class);

  static final String TENANT = "acme";
  static final Provider PROVIDER = Provider.OPENROUTER;
  static final String WEBHOOK_SECRET = "whsec-lifecycle";
  static final Instant START = Instant.parse("2026-11-26T08:00:00Z");
  static final Duration TOLERANCE = Duration.ofSeconds(300);
  static final Duration RECONCILE_DEADLINE = Duration.ofHours(24);
  static final Duration STRANDED_AFTER = ReconcileConfig.DEFAULT_STRANDED_AFTER;
  static final Duration REDRIVE_COMPLETED_OLDER_THAN = Duration.ofHours(1);

  /** The stream's first attempt and two retries, and the downloader gives up after as many. */
  static final int STREAM_MAX_RETRIES = 2;

  static final int GIVE_UP_AFTER_ATTEMPTS = STREAM_MAX_RETRIES + 1;

  /** Longer than the downloader's response timeout: a stalled source fails the request. */
  private static final Duration RESPONSE_TIMEOUT = Duration.ofMillis(100);

  private static final Set<JobStatus> PROVIDER_TERMINAL =
      Set.of(JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.EXPIRED);

  /** One delivery the provider sent, as sent. */
  record Sent(String jobId, String dedupeKey, byte[] body, String signature, long signedAt) {}

  /** What the test knows about one job. */
  static final class Known {
    final String id;
    final String source;

    /** The last status seen in the table, and whether an {@code expired} was the reconciler's. */
    JobStatus status;

    boolean expiredByReconciler;

    /** Once seen {@code stored}: how many requests its sources had had by then. */
    int sourceRequestsWhenStored = -1;

    Known(String id, String source) {
      this.id = id;
      this.source = source;
    }

    JobKey key() {
      return new JobKey(TENANT, PROVIDER, id);
    }
  }

  final ControlledClock clock = new ControlledClock(START);
  final StoreOutage outage = new StoreOutage();
  final ScriptedProvider provider;
  final String table = SharedMoto.newJobTable();
  final String bucket = SharedS3.newBucket();
  final Map<String, Known> jobs = new LinkedHashMap<>();
  final List<Sent> sent = new ArrayList<>();
  final List<String> steps = new ArrayList<>();
  final List<DynamodbStreamRecord> onFailure = new ArrayList<>();

  private final DynamoDbClient checkClient = SharedMoto.get().client();
  private final JobStore checkStore;
  private final JobStore store;
  private final Secrets secrets;
  private final WebhookReceiver receiver;
  private final DownloadHandler downloads;
  private final DownloadService downloadService;
  private final ReconcileConfig reconcileConfig;
  private Reconciler reconciler;
  private int keyGeneration;
  private int nextJob;

  // the stream, as the event source mapping sees it
  private final DynamoDbStreamsClient streams = SharedMoto.get().streamsClient();
  private final String streamArn;
  private final EventFilter filter = new EventFilter(JobTable.DOWNLOAD_FILTER_PATTERNS);
  private final Map<String, String> iterators = new HashMap<>();
  private final List<DynamodbStreamRecord> queue = new ArrayList<>();
  private final List<DynamodbStreamRecord> handled = new ArrayList<>();
  private int headAttempts;

  LifecycleWorld() {
    long t0 = System.nanoTime();
    String key = "sk-lifecycle-0";
    provider = new ScriptedProvider(key, RESPONSE_TIMEOUT.toMillis() + 100);
    secrets = new Secrets(key);
    DynamoDbClient faulty =
        outage.client(SharedMoto.get().endpoint(), MotoServer.REGION, MotoServer.CREDENTIALS);
    store = new JobStore(faulty, table);
    checkStore = new JobStore(checkClient, table);
    receiver = new WebhookReceiver(store, secrets, TOLERANCE, 256 * 1024, clock);
    TestDns dns =
        new TestDns(
            Map.of(
                ScriptedProvider.STORAGE_HOST, List.of("127.0.0.1"),
                ScriptedProvider.REFUSED_HOST, List.of("0.0.0.0")));
    VideoDownloader downloader =
        VideoDownloader.builder(new StreamingUploader(SharedS3.get().client(), bucket), secrets)
            .apiBases(Map.of(PROVIDER, provider.apiBase()))
            .allowLoopbackHttp(true)
            .resolver(dns)
            .retry(new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2), d -> {}))
            .responseTimeout(RESPONSE_TIMEOUT)
            .idleTimeout(RESPONSE_TIMEOUT)
            .build();
    downloadService = new DownloadService(downloader, store, clock, GIVE_UP_AFTER_ATTEMPTS);
    downloads = new DownloadHandler(downloadService, clock);
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
    streamArn = checkClient.describeTable(b -> b.tableName(table)).table().latestStreamArn();
    JobLifecyclePropertyTest.TIMES.merge("NEW", System.nanoTime() - t0, Long::sum);
  }

  private Reconciler newReconciler() {
    return new Reconciler(
        store,
        Reconciler.clients(reconcileConfig, secrets),
        clock,
        clock::advance,
        reconcileConfig);
  }

  // --- actions ---

  /** A job submitted to the provider and recorded {@code pending}, as the CLI does. */
  void submit(int outputs, String contentType, String source) {
    String id = "job-" + nextJob++;
    provider.submit(id, outputs, contentType, source);
    store.recordSubmitted(
        new JobKey(TENANT, PROVIDER, id), "google/veo-3.1-lite", "a lamp", clock.instant());
    jobs.put(id, new Known(id, source));
  }

  void finish(String id, EventType outcome) {
    provider.finish(id, outcome.status());
  }

  /** The provider signs and sends a terminal event of {@code type} for the job, now. */
  WebhookOutcome deliver(String id, EventType type) {
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
    long t = clock.instant().getEpochSecond();
    Sent delivery =
        new Sent(
            id,
            id + "-" + type.status(),
            body,
            SignatureVerifier.signatureHeader(WEBHOOK_SECRET, t, body),
            t);
    sent.add(delivery);
    return post(delivery);
  }

  /** A delivery sent again, freshly signed (the provider's retry). */
  WebhookOutcome resend(int index) {
    Sent old = sent.get(index % sent.size());
    long t = clock.instant().getEpochSecond();
    return post(
        new Sent(
            old.jobId(),
            old.dedupeKey(),
            old.body(),
            SignatureVerifier.signatureHeader(WEBHOOK_SECRET, t, old.body()),
            t));
  }

  /** A delivery replayed byte for byte, signature included (by the provider or anyone). */
  WebhookOutcome replay(int index) {
    return post(sent.get(index % sent.size()));
  }

  private WebhookOutcome post(Sent delivery) {
    Map<String, String> headers = new HashMap<>();
    headers.put(
        PROVIDER.signatureHeader().toLowerCase(java.util.Locale.ROOT), delivery.signature());
    headers.put(
        PROVIDER.idempotencyHeader().toLowerCase(java.util.Locale.ROOT), delivery.dedupeKey());
    JobKey key = new JobKey(TENANT, PROVIDER, delivery.jobId());
    boolean expiredByReconciler =
        checkStore
            .find(key)
            .map(j -> j.status() == JobStatus.EXPIRED && j.terminalDelivery() == null)
            .orElse(false);
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
      Optional<Job> job = checkStore.find(key);
      boolean durable =
          job.map(j -> delivery.dedupeKey().equals(j.terminalDelivery())).orElse(false)
              || checkStore.findDelivery(key, delivery.dedupeKey()).isPresent();
      if (!durable) {
        throw new AssertionError(
            "delivery " + delivery.dedupeKey() + " answered " + outcome + " without a record");
      }
      // invariant 8: the provider's own terminal event replaces the reconciler's expired
      if (expiredByReconciler
          && job.map(j -> j.status() == JobStatus.EXPIRED && j.terminalDelivery() == null)
              .orElse(false)) {
        throw new AssertionError(
            "job "
                + delivery.jobId()
                + ": the provider's "
                + delivery.dedupeKey()
                + " was answered "
                + outcome
                + " and the reconciler's own expired stayed: the video is never fetched");
      }
    } else if (outage.isDown() && fresh && outcome != WebhookOutcome.STORAGE_FAILED) {
      throw new AssertionError("a delivery during a store outage was answered " + outcome);
    }
    return outcome;
  }

  /** One scheduled reconciler run (its Lambda invocation fails as a whole on a store outage). */
  void reconcile() {
    try {
      reconciler.run(clock.instant().plus(Duration.ofMinutes(10)));
    } catch (RuntimeException e) {
      LOG.info("reconciler run failed: {}", e.toString());
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
    StreamsEventResponse response;
    try {
      response = downloads.handleRequest(event, null);
    } catch (RuntimeException e) {
      return false;
    }
    return response.getBatchItemFailures() == null || response.getBatchItemFailures().isEmpty();
  }

  private void poll() {
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
      for (Record record : result.records()) {
        if (filter.matches(LocalStreamPoller.filterView(record))) {
          queue.add(LocalStreamPoller.toLambdaRecord(record));
        }
      }
    }
  }

  /**
   * {@code videohook redrive} as the operator runs it: every {@code download_failed} job and every
   * job still {@code completed} an hour after its last change, through the download service's
   * redrive. The command itself reads the wall clock; this is its selection on the test's clock.
   */
  void redrive() {
    Instant now = clock.instant();
    List<Job> todo = new ArrayList<>();
    try {
      todo.addAll(all(JobStatus.DOWNLOAD_FAILED, now));
      todo.addAll(all(JobStatus.COMPLETED, now.minus(REDRIVE_COMPLETED_OLDER_THAN)));
    } catch (RuntimeException e) {
      LOG.info("redrive could not list jobs: {}", e.toString());
      return;
    }
    for (Job job : todo) {
      try {
        downloadService.redrive(CompletedJob.of(job));
      } catch (RuntimeException e) {
        LOG.info("redrive of {} failed again: {}", job.key(), e.toString());
      }
    }
  }

  private List<Job> all(JobStatus status, Instant before) {
    List<Job> found = new ArrayList<>();
    JobPage.Cursor cursor = null;
    do {
      JobPage page = store.jobsInStatus(status, before, 100, cursor);
      found.addAll(page.jobs());
      cursor = page.next().orElse(null);
    } while (cursor != null);
    return found;
  }

  /**
   * Nobody acts any more but the system itself: the store is back, the provider's status answers
   * are its truth again (see {@link #clearStatusFaults}), the clock passes every deadline while the
   * reconciler runs on schedule and the stream drains.
   */
  void quietPeriod(boolean clearStatusFaults) {
    outage.up();
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
   * After every step: no terminal state moved backwards (but the reconciler's own {@code expired}
   * replaced by a provider's terminal event), at most one stored object set per output and none
   * written again once stored, no request to a refused address, no API key off the API origin.
   */
  void check() {
    for (ScriptedProvider.Seen seen : provider.seen()) {
      if (seen.origin().equals(ScriptedProvider.REFUSED)) {
        throw new AssertionError("a request reached a refused address: " + seen.target());
      }
      if (!seen.origin().equals(ScriptedProvider.API) && seen.authorization() != null) {
        throw new AssertionError(
            "a credential was sent to the " + seen.origin() + " origin: " + seen.target());
      }
    }
    Map<String, List<S3Object>> objects = downloadsStarted() ? objectsByJob() : Map.of();
    for (Known known : jobs.values()) {
      Job job =
          checkStore
              .find(known.key())
              .orElseThrow(() -> new AssertionError("job " + known.id + " disappeared"));
      checkTransition(known, job);
      checkObjects(known, job, objects.getOrDefault(known.id, List.of()));
    }
  }

  private void checkTransition(Known known, Job job) {
    JobStatus before = known.status;
    JobStatus now = job.status();
    boolean reconcilerExpiry = now == JobStatus.EXPIRED && job.terminalDelivery() == null;
    if (before != null && before != now && !allowed(before, known.expiredByReconciler, now)) {
      throw new AssertionError(
          "job "
              + known.id
              + " moved backwards: "
              + describe(before, known.expiredByReconciler)
              + " -> "
              + describe(now, reconcilerExpiry));
    }
    if (before == JobStatus.EXPIRED
        && now == JobStatus.EXPIRED
        && known.expiredByReconciler
        && !reconcilerExpiry) {
      throw new AssertionError(
          "job " + known.id + ": the reconciler's expired became the provider's");
    }
    known.status = now;
    known.expiredByReconciler = reconcilerExpiry;
  }

  private static String describe(JobStatus status, boolean byReconciler) {
    return status == JobStatus.EXPIRED && byReconciler
        ? "expired (by the reconciler)"
        : status.value();
  }

  /**
   * The lifecycle: pending to any terminal state; completed to stored or download_failed;
   * download_failed to stored (a redrive); the reconciler's own expired to a provider's terminal
   * state; nothing else.
   */
  static boolean allowed(JobStatus from, boolean expiredByReconciler, JobStatus to) {
    return switch (from) {
      case PENDING -> true;
      case COMPLETED -> to == JobStatus.STORED || to == JobStatus.DOWNLOAD_FAILED;
      case DOWNLOAD_FAILED -> to == JobStatus.STORED;
      case EXPIRED -> expiredByReconciler && PROVIDER_TERMINAL.contains(to);
      default -> false;
    };
  }

  private void checkObjects(Known known, Job job, List<S3Object> stored) {
    ScriptedProvider.Job at = provider.job(known.id);
    Map<Integer, Integer> perOutput = new HashMap<>();
    for (S3Object object : stored) {
      String name = object.key().substring(object.key().lastIndexOf('/') + 1);
      int index = Integer.parseInt(name.substring(0, name.indexOf('.')));
      if (perOutput.merge(index, 1, Integer::sum) > 1) {
        throw new AssertionError("job " + known.id + " has two objects for output " + index);
      }
    }
    int requests = sourceRequests(known.id);
    if (job.status() == JobStatus.STORED) {
      // a content-endpoint job whose provider will not say how many outputs it has is stored
      // with its first output only (the downloader's documented fallback)
      int expected = at.unsignedUrls().isEmpty() ? job.stored().objects().size() : at.outputs();
      if (job.stored().objects().isEmpty() || job.stored().objects().size() != expected) {
        throw new AssertionError(
            "job " + known.id + " stored " + job.stored().objects().size() + " of " + at.outputs());
      }
      for (var object : job.stored().objects()) {
        String name = object.key().substring(object.key().lastIndexOf('/') + 1);
        int index = Integer.parseInt(name.substring(0, name.indexOf('.')));
        if (!object.sha256().equals(sha256(ScriptedProvider.video(known.id, index)))) {
          throw new AssertionError("job " + known.id + " output " + index + " stored wrong bytes");
        }
      }
      if (known.sourceRequestsWhenStored < 0) {
        known.sourceRequestsWhenStored = requests;
      } else if (requests > known.sourceRequestsWhenStored) {
        throw new AssertionError("job " + known.id + " was downloaded again after it was stored");
      }
    }
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

  private Map<String, List<S3Object>> objectsByJob() {
    Map<String, List<S3Object>> byJob = new HashMap<>();
    for (S3Object object :
        SharedS3.get().client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
      String[] parts = object.key().split("/");
      byJob.computeIfAbsent(parts[2], k -> new ArrayList<>()).add(object);
    }
    return byJob;
  }

  /**
   * After the quiet period: every job is {@code stored}, {@code download_failed} with its reason,
   * or in a provider's terminal state; a job the provider never finished is {@code expired} by the
   * reconciler with its reason.
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
    provider.close();
    streams.close();
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

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
