package dev.videohook.job;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * The jobs table in memory, with {@link JobStore}'s semantics: the same items (made and read by
 * {@link JobItems}), the same conditions (each one a predicate mirroring its {@link JobExpressions}
 * text), the same refusals ({@link RefusedCommit}, {@link ItemSize}) and the Query's order and
 * paging on the indexes. Each write is atomic on its item, as a DynamoDB write is: a conditional
 * write racing others from many threads has exactly one winner. Two writes that DynamoDB makes
 * apart (a late delivery's item after its refused commit; the give-up mark after a failed
 * download's count) are apart here too.
 *
 * <p>For tests only. There is no stream of its own: a test that needs one listens ({@link
 * #onChange}) and is told each item's old and new image as DynamoDB Streams would record them, from
 * inside the write, so one item's changes arrive in the order they were made. Delivery items never
 * expire (moto's TTL does not either). {@code JobStoreContract} holds it to the DynamoDB store's
 * behaviour, on moto.
 */
public final class InMemoryJobStore implements JobRepository {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryJobStore.class);

  /** DynamoDB stops a Query page at 1 MB of data read. */
  static final int QUERY_PAGE_BYTES = 1024 * 1024;

  private final Map<String, Map<String, AttributeValue>> items = new ConcurrentHashMap<>();
  private final Duration deliveryTtl;
  private volatile ItemChanges changes = (oldItem, newItem) -> {};

  /**
   * What a stream with NEW_AND_OLD_IMAGES would record of one write: the item before (null when it
   * was inserted) and after. Told only of writes that changed the item, as DynamoDB records no
   * change for a refused condition or an update that sets what is already there.
   */
  @FunctionalInterface
  public interface ItemChanges {
    void changed(Map<String, AttributeValue> oldItem, Map<String, AttributeValue> newItem);
  }

  public InMemoryJobStore() {
    this(JobStore.DEFAULT_DELIVERY_TTL);
  }

  public InMemoryJobStore(Duration deliveryTtl) {
    this.deliveryTtl = deliveryTtl;
  }

  // --- what tests set up and look at directly ---

  /** Tells {@code listener} of every change from now on, inside the write that makes it. */
  public void onChange(ItemChanges listener) {
    this.changes = listener;
  }

  private Map<String, AttributeValue> changed(
      Map<String, AttributeValue> oldItem, Map<String, AttributeValue> newItem) {
    if (!newItem.equals(oldItem)) {
      changes.changed(oldItem, newItem);
    }
    return newItem;
  }

  /** Writes the job's item as is, unconditionally (as {@link TestJobs#put} does on DynamoDB). */
  public void put(Job job) {
    Map<String, AttributeValue> item = Map.copyOf(JobItems.toItem(job));
    items.compute(item.get(JobTable.PK).s(), (k, old) -> changed(old, item));
  }

  /**
   * Overwrites the job's submit time with {@code text}, which need not be a time: an item as a bad
   * migration or a hand edit could leave it (as {@link TestJobs#corruptSubmittedAt} does on
   * DynamoDB).
   */
  public void corruptSubmittedAt(JobKey job, String text) {
    String attribute = JobTable.SUBMITTED_AT;
    items.computeIfPresent(
        JobItems.key(job).get(JobTable.PK).s(),
        (pk, item) -> {
          Map<String, AttributeValue> changed = new HashMap<>(item);
          changed.put(attribute, AttributeValue.fromS(text));
          return Map.copyOf(changed);
        });
  }

  /**
   * How many deliveries the store records for a job id: the first terminal delivery each job item
   * keeps, plus the delivery items (as {@link TestJobs#deliveryRecords} counts them on DynamoDB).
   */
  public long deliveryRecords(String jobId) {
    return items.values().stream()
        .flatMap(item -> JobItems.delivery(item).or(() -> JobItems.terminalDelivery(item)).stream())
        .filter(delivery -> delivery.job().jobId().equals(jobId))
        .count();
  }

  /** A job's item as stored (null when there is none). */
  public Map<String, AttributeValue> item(JobKey job) {
    return get(JobItems.key(job));
  }

  /** Every job, most recently updated first (what {@link JobScan#allJobs} finds on DynamoDB). */
  public List<Job> allJobs() {
    return items.values().stream()
        .flatMap(item -> JobItems.job(item).stream())
        .sorted(
            Comparator.comparing((Job job) -> String.valueOf(job.times().updatedAt())).reversed())
        .toList();
  }

  // --- JobCommits ---

  @Override
  public RecordOutcome recordDelivery(Delivery delivery) {
    if (JobItems.ownedByAnother(get(JobItems.ownerKey(delivery.jobKey())), delivery.tenant())) {
      return RecordOutcome.FOREIGN_TENANT;
    }
    Map<String, AttributeValue> sets =
        new HashMap<>(JobItems.terminalAttributes(delivery.reportedJob()));
    sets.putAll(JobItems.firstDeliveryAttributes(delivery));
    Map<String, AttributeValue> item = new HashMap<>(JobItems.key(delivery.jobKey()));
    item.putAll(sets);
    if (ItemSize.of(item) > ItemSize.MAX_BYTES) {
      throw new UnstorableDeliveryException(delivery.jobKey(), ItemSize.of(item));
    }
    boolean clearsError = !sets.containsKey(JobTable.ERROR);
    Map<String, AttributeValue> refusing;
    try {
      refusing =
          updateIf(
              JobItems.key(delivery.jobKey()),
              JobExpressions.committable()::test,
              job -> {
                job.putAll(sets);
                if (clearsError) {
                  job.remove(JobTable.ERROR);
                }
              });
    } catch (DynamoDbException refused) {
      throw new UnstorableDeliveryException(delivery.jobKey(), refused);
    }
    if (refusing == null) {
      return RecordOutcome.RECORDED;
    }
    if (RefusedCommit.of(delivery, refusing) == RefusedCommit.DUPLICATE) {
      return RecordOutcome.DUPLICATE;
    }
    return RefusedCommit.lateOutcome(
        putDeliveryIfNew(delivery.jobKey(), delivery.record(deliveryTtl)));
  }

  @Override
  public RecordOutcome recordUnknownEvent(
      JobKey job, String type, String rawBody, String idempotencyHeader, Instant receivedAt) {
    return putDeliveryIfNew(
        job,
        DeliveryRecord.unknownEvent(
            job, type, rawBody, idempotencyHeader, receivedAt, deliveryTtl));
  }

  private RecordOutcome putDeliveryIfNew(JobKey job, DeliveryRecord record) {
    Map<String, AttributeValue> item = JobItems.toItem(record);
    checkSize(item, job);
    boolean[] inserted = new boolean[1];
    items.compute(
        item.get(JobTable.PK).s(),
        (k, old) -> {
          if (old != null) {
            return old;
          }
          inserted[0] = true;
          return changed(null, Map.copyOf(item));
        });
    return inserted[0] ? RecordOutcome.RECORDED : RecordOutcome.DUPLICATE;
  }

  private static void checkSize(Map<String, AttributeValue> item, JobKey job) {
    if (ItemSize.of(item) > ItemSize.MAX_BYTES) {
      throw new UnstorableDeliveryException(job, ItemSize.of(item));
    }
  }

  // --- PendingJobs ---

  @Override
  public void recordSubmitted(JobKey job, String model, String prompt, Instant submittedAt) {
    Map<String, AttributeValue> owner = Map.copyOf(JobItems.ownerItem(job));
    boolean[] ownedElsewhere = new boolean[1];
    items.compute(
        owner.get(JobTable.PK).s(),
        (pk, old) -> {
          if (old == null) {
            return changed(null, owner);
          }
          ownedElsewhere[0] = !JobItems.owner(old).orElse("").equals(job.tenant());
          return old;
        });
    if (ownedElsewhere[0]) {
      throw new IllegalStateException(
          "job id " + job.jobId() + " at " + job.provider().id() + " belongs to another tenant");
    }
    Job submitted = JobItems.submitted(job, model, prompt, submittedAt);
    updateIf(
        JobItems.key(job),
        always(),
        item -> {
          item.putAll(JobItems.submittedAttributes(submitted));
          JobItems.submittedIfAbsent(submitted).forEach(item::putIfAbsent);
        });
  }

  @Override
  public JobPage pendingUpdatedBefore(Instant before, int limit, JobPage.Cursor cursor) {
    return jobsInStatus(JobStatus.PENDING, before, limit, cursor);
  }

  @Override
  public JobPage pendingToCheck(
      Instant before, Instant now, boolean neverChecked, int limit, JobPage.Cursor cursor) {
    Condition filter =
        neverChecked ? JobExpressions.neverChecked() : JobExpressions.checkDueBy(now);
    return byStatus(JobStatus.PENDING, before, limit, cursor, filter::test);
  }

  @Override
  public void deferPending(JobKey job, Instant nextCheck, String lastOutcome) {
    updateIf(
        JobItems.key(job),
        JobExpressions.inStatus(JobStatus.PENDING)::test,
        item -> item.putAll(JobItems.reconcileNote(nextCheck, bounded(lastOutcome, "unknown"))));
  }

  @Override
  public boolean expirePending(JobKey job, String reason, Instant at) {
    return updateIf(
            JobItems.key(job),
            JobExpressions.inStatus(JobStatus.PENDING)::test,
            item -> item.putAll(JobItems.expiredTransition(bounded(reason, "expired"), at)))
        == null;
  }

  // --- DownloadRecords ---

  @Override
  public Optional<JobStatus> status(JobKey job) {
    return JobItems.status(get(JobItems.key(job)));
  }

  @Override
  public LeaseClaim claimDownload(JobKey job, Instant now, Instant expiresAt) {
    DownloadLease lease = DownloadLease.claimed(job, now, expiresAt);
    Object[] granted = new Object[1];
    Map<String, AttributeValue> refusing =
        updateIf(
            JobItems.key(job),
            JobExpressions.claimable(now)::test,
            item -> {
              item.putAll(JobItems.lease(lease));
              granted[0] = JobItems.status(item).orElseThrow();
            });
    if (refusing == null) {
      return new LeaseClaim.Granted(lease, (JobStatus) granted[0]);
    }
    Optional<JobStatus> status = JobItems.status(refusing);
    if (status.isPresent() && status.get().isWaitingForVideo()) {
      return new LeaseClaim.Held(JobItems.leaseExpiry(refusing).orElse(now));
    }
    return new LeaseClaim.NotWaiting(status);
  }

  @Override
  public boolean releaseDownload(DownloadLease lease) {
    return updateIf(
            JobItems.key(lease.job()),
            JobExpressions.ownedBy(lease)::test,
            InMemoryJobStore::removeLease)
        == null;
  }

  @Override
  public StoreOutcome markStored(
      DownloadLease lease, String bucket, List<StoredObject> objects, Instant at) {
    Map<String, AttributeValue> refusing =
        updateIf(
            JobItems.key(lease.job()),
            JobExpressions.leasedTo(lease)::test,
            item -> {
              item.putAll(JobItems.storedTransition(new Job.StoredVideos(bucket, objects), at));
              removeLease(item);
            });
    if (refusing == null) {
      return StoreOutcome.STORED;
    }
    Optional<JobStatus> status = JobItems.status(refusing);
    if (status.isPresent() && status.get() == JobStatus.STORED) {
      return StoreOutcome.ALREADY_STORED;
    }
    return status.isPresent() && status.get().isWaitingForVideo()
        ? StoreOutcome.NOT_LEASED
        : StoreOutcome.NOT_COMPLETED;
  }

  @Override
  public void recordDownloadFailure(
      DownloadLease lease, String error, Instant at, int giveUpAfterAttempts) {
    if (!noteDownloadFailure(lease, error, at, false)) {
      return;
    }
    // a second write, as on DynamoDB: the give-up mark sees the attempt just counted
    updateIf(
        JobItems.key(lease.job()),
        JobExpressions.ownedBy(lease)::test,
        item -> {
          boolean giveUp =
              JobExpressions.inStatus(JobStatus.COMPLETED).test(item)
                  && number(item, JobTable.DOWNLOAD_ATTEMPTS)
                      .map(n -> n.compareTo(BigDecimal.valueOf(giveUpAfterAttempts)) >= 0)
                      .orElse(false);
          if (giveUp) {
            item.putAll(JobItems.status(JobStatus.DOWNLOAD_FAILED));
          }
          removeLease(item);
        });
  }

  @Override
  public boolean markDownloadFailed(DownloadLease lease, String reason, Instant at) {
    return noteDownloadFailure(lease, reason, at, true);
  }

  private boolean noteDownloadFailure(
      DownloadLease lease, String error, Instant at, boolean giveUpNow) {
    return updateIf(
            JobItems.key(lease.job()),
            JobExpressions.leasedTo(lease)::test,
            item -> {
              item.putAll(JobItems.downloadFailure(bounded(error, "unknown error"), at, giveUpNow));
              JobItems.oneMoreAttempt().forEach((name, one) -> add(item, name, one));
              if (giveUpNow) {
                removeLease(item);
              }
            })
        == null;
  }

  private static void removeLease(Map<String, AttributeValue> item) {
    for (String attribute : JobItems.leaseAttributes()) {
      item.remove(attribute);
    }
  }

  // --- JobQueries ---

  @Override
  public Optional<Job> find(JobKey job) {
    return JobItems.job(get(JobItems.key(job)));
  }

  @Override
  public Optional<DeliveryRecord> terminalDelivery(JobKey job) {
    return JobItems.terminalDelivery(get(JobItems.key(job)));
  }

  @Override
  public Optional<DeliveryRecord> findDelivery(JobKey job, String dedupeKey) {
    return JobItems.delivery(get(JobItems.deliveryKey(job, dedupeKey)));
  }

  @Override
  public JobPage jobsInStatus(JobStatus status, Instant before, int limit, JobPage.Cursor cursor) {
    return byStatus(status, before, limit, cursor, null);
  }

  @Override
  public List<Job> recentJobs(String tenant, int limit) {
    if (limit < 1) {
      throw validation("Limit must be at least 1");
    }
    return byTenant(tenant, null, false)
        .limit(limit)
        .flatMap(i -> JobItems.job(i).stream())
        .toList();
  }

  @Override
  public List<Job> jobsUpdatedSince(String tenant, Instant since) {
    return byTenant(tenant, since, false).flatMap(i -> JobItems.job(i).stream()).toList();
  }

  @Override
  public void forEachJobCost(String tenant, Instant since, Consumer<Job> each) {
    Set<String> fields =
        Set.of(
            JobTable.PK,
            JobTable.ITEM_TYPE,
            JobTable.TENANT,
            JobTable.PROVIDER,
            JobTable.JOB_ID,
            JobTable.STATUS,
            JobTable.MODEL,
            JobTable.USAGE_COST,
            JobTable.USAGE_IS_BYOK);
    byTenant(tenant, since, true)
        .map(item -> projected(item, fields))
        .forEach(item -> JobItems.job(item).ifPresent(each));
  }

  // --- the table's primitives ---

  /**
   * One UpdateItem, atomic on its item: {@code changes} applied to the item (or to its key alone,
   * when absent) if {@code condition} holds on the item as it is (null when absent).
   *
   * @return null when applied; else the refusing item, empty when absent (ALL_OLD)
   * @throws DynamoDbException a ValidationException when the item would exceed 400 KB: nothing
   *     written
   */
  private Map<String, AttributeValue> updateIf(
      Map<String, AttributeValue> key,
      Predicate<Map<String, AttributeValue>> condition,
      Consumer<Map<String, AttributeValue>> changes) {
    String pk = key.get(JobTable.PK).s();
    Object[] refusing = new Object[1];
    items.compute(
        pk,
        (k, old) -> {
          if (!condition.test(old)) {
            refusing[0] = old == null ? Map.of() : old;
            return old;
          }
          Map<String, AttributeValue> item = new HashMap<>(old == null ? key : old);
          changes.accept(item);
          if (ItemSize.of(item) > ItemSize.MAX_BYTES) {
            throw validation("Item size has exceeded the maximum allowed size");
          }
          return changed(old, Map.copyOf(item));
        });
    @SuppressWarnings("unchecked")
    Map<String, AttributeValue> refused = (Map<String, AttributeValue>) refusing[0];
    return refused;
  }

  private Map<String, AttributeValue> get(Map<String, AttributeValue> key) {
    return items.get(key.get(JobTable.PK).s());
  }

  /**
   * A Query on {@link JobTable#BY_STATUS_INDEX}: {@code status}, last changed before {@code
   * before}, oldest first (ties by table key, as DynamoDB and moto order them). Up to {@code limit}
   * entries are read (or 1 MB of them), then {@code filter} keeps some; a page that stopped at its
   * limit has a next page, even when nothing follows, as DynamoDB's LastEvaluatedKey does.
   */
  private JobPage byStatus(
      JobStatus status,
      Instant before,
      int limit,
      JobPage.Cursor cursor,
      Predicate<Map<String, AttributeValue>> filter) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    String bound = before.toString();
    List<Map<String, AttributeValue>> entries =
        index(JobTable.STATUS)
            .filter(item -> status.value().equals(item.get(JobTable.STATUS).s()))
            .filter(item -> updatedAt(item).compareTo(bound) < 0)
            .sorted(INDEX_ORDER)
            .filter(item -> cursor == null || INDEX_ORDER.compare(item, cursor.lastKey) > 0)
            .map(item -> projected(item, JobTable.STATUS))
            .toList();
    List<Job> jobs = new ArrayList<>();
    Map<String, AttributeValue> last = null;
    long bytes = 0;
    int read = 0;
    for (Map<String, AttributeValue> entry : entries) {
      bytes += ItemSize.of(entry);
      if (read == limit || (read > 0 && bytes > QUERY_PAGE_BYTES)) {
        break;
      }
      read++;
      last = entry;
      if (filter == null || filter.test(entry)) {
        try {
          JobItems.job(entry).ifPresent(jobs::add);
        } catch (IllegalArgumentException unreadable) {
          LOG.atWarn()
              .addKeyValue("status", status.value())
              .setCause(unreadable)
              .log("unreadable job item in the status index: skipped");
        }
      }
    }
    boolean stopped = read == limit || read < entries.size();
    Optional<JobPage.Cursor> next =
        stopped && last != null
            ? Optional.of(
                new JobPage.Cursor(
                    Map.of(
                        JobTable.PK, last.get(JobTable.PK),
                        JobTable.STATUS, last.get(JobTable.STATUS),
                        JobTable.UPDATED_AT, last.get(JobTable.UPDATED_AT))))
            : Optional.empty();
    return new JobPage(jobs, next);
  }

  /**
   * A Query on {@link JobTable#BY_TENANT_INDEX}, every page: the tenant's entries last changed at
   * or after {@code since} (any, when null), oldest first when {@code forward}.
   */
  private Stream<Map<String, AttributeValue>> byTenant(
      String tenant, Instant since, boolean forward) {
    String bound = since == null ? null : since.toString();
    Comparator<Map<String, AttributeValue>> order = forward ? INDEX_ORDER : INDEX_ORDER.reversed();
    return index(JobTable.TENANT)
        .filter(item -> tenant.equals(item.get(JobTable.TENANT).s()))
        .filter(item -> bound == null || updatedAt(item).compareTo(bound) >= 0)
        .sorted(order)
        .map(item -> projected(item, JobTable.TENANT));
  }

  /** The items a sparse index on {@code hash} and {@link JobTable#UPDATED_AT} holds. */
  private Stream<Map<String, AttributeValue>> index(String hash) {
    return items.values().stream()
        .filter(item -> isString(item.get(hash)) && isString(item.get(JobTable.UPDATED_AT)));
  }

  private static final Comparator<Map<String, AttributeValue>> INDEX_ORDER =
      Comparator.comparing(InMemoryJobStore::updatedAt)
          .thenComparing(item -> item.get(JobTable.PK).s());

  private static String updatedAt(Map<String, AttributeValue> item) {
    return item.get(JobTable.UPDATED_AT).s();
  }

  private static boolean isString(AttributeValue value) {
    return value != null && value.s() != null;
  }

  /** An index entry: the keys and what the index on {@code hash} projects. */
  private static Map<String, AttributeValue> projected(
      Map<String, AttributeValue> item, String hash) {
    Set<String> kept = new HashSet<>(JobTable.projected(hash));
    kept.addAll(List.of(JobTable.PK, hash, JobTable.UPDATED_AT));
    return projected(item, kept);
  }

  private static Map<String, AttributeValue> projected(
      Map<String, AttributeValue> item, Set<String> names) {
    Map<String, AttributeValue> entry = new LinkedHashMap<>();
    item.forEach(
        (name, value) -> {
          if (names.contains(name)) {
            entry.put(name, value);
          }
        });
    return entry;
  }

  private static Predicate<Map<String, AttributeValue>> always() {
    return item -> true;
  }

  /** ADD: the number plus {@code more}; an absent attribute counts as 0. */
  private static void add(Map<String, AttributeValue> item, String name, AttributeValue more) {
    BigDecimal sum = number(item, name).orElse(BigDecimal.ZERO).add(new BigDecimal(more.n()));
    item.put(name, AttributeValue.fromN(sum.toPlainString()));
  }

  private static Optional<BigDecimal> number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null
        ? Optional.empty()
        : Optional.of(new BigDecimal(value.n()));
  }

  /** A reason as {@link JobStore} stores it: a default for none, cut to its bound. */
  private static String bounded(String reason, String fallback) {
    return TextBounds.truncateUtf8(reason == null ? fallback : reason, TextBounds.MAX_REASON_BYTES);
  }

  /** What DynamoDB answers to values it will not store. */
  private static DynamoDbException validation(String message) {
    return (DynamoDbException)
        DynamoDbException.builder()
            .message(message)
            .statusCode(400)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("ValidationException")
                    .errorMessage(message)
                    .build())
            .build();
  }
}
