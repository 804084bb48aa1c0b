package dev.videohook.job;

import dev.videohook.egress.UrlPolicy;
import dev.videohook.event.EventType;
import dev.videohook.provider.Provider;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The one translation between {@link Job} (and {@link DeliveryRecord}) and DynamoDB items, and the
 * one place outside {@link JobTable} that names an attribute: every write {@link JobStore} makes
 * takes its attributes, its key and its condition from here, and every read, the stream's images
 * included, comes back through here.
 */
public final class JobItems {
  private JobItems() {}

  /** True for a job item, false for a delivery item or anything else in the table. */
  public static boolean isJob(Map<String, AttributeValue> item) {
    return JobTable.ITEM_TYPE_JOB.equals(string(item, JobTable.ITEM_TYPE));
  }

  /**
   * The job an item holds.
   *
   * @return empty for an item that is not a job item (a delivery, say)
   * @throws IllegalArgumentException for a job item without a known provider, a tenant, an id or a
   *     known status
   */
  public static Optional<Job> job(Map<String, AttributeValue> item) {
    if (item == null || !isJob(item)) {
      return Optional.empty();
    }
    String tenant = string(item, JobTable.TENANT);
    String jobId = string(item, JobTable.JOB_ID);
    Optional<Provider> provider =
        Optional.ofNullable(string(item, JobTable.PROVIDER)).flatMap(Provider::fromId);
    Optional<JobStatus> status =
        Optional.ofNullable(string(item, JobTable.STATUS)).flatMap(JobStatus::fromValue);
    if (tenant == null || jobId == null || provider.isEmpty() || status.isEmpty()) {
      throw new IllegalArgumentException(
          "job item without a known provider, tenant, id or status: " + string(item, JobTable.PK));
    }
    return Optional.of(
        Job.builder(new JobKey(tenant, provider.get(), jobId), status.get())
            .model(string(item, JobTable.MODEL))
            .prompt(string(item, JobTable.PROMPT))
            .generationId(string(item, JobTable.GENERATION_ID))
            .unsignedUrls(strings(item, JobTable.UNSIGNED_URLS))
            .usage(new Usage(number(item, JobTable.USAGE_COST), bool(item, JobTable.USAGE_IS_BYOK)))
            .error(string(item, JobTable.ERROR))
            .eventType(string(item, JobTable.EVENT_TYPE))
            .eventCreatedAt(string(item, JobTable.EVENT_CREATED_AT))
            .terminalDelivery(string(item, JobTable.TERMINAL_DELIVERY))
            .stored(new Job.StoredVideos(string(item, JobTable.BUCKET), storedObjects(item)))
            .download(
                new Job.DownloadAttempts(
                    Optional.ofNullable(number(item, JobTable.DOWNLOAD_ATTEMPTS))
                        .map(BigDecimal::intValue)
                        .orElse(0),
                    string(item, JobTable.LAST_DOWNLOAD_ERROR)))
            .times(
                new Job.Times(
                    instant(item, JobTable.SUBMITTED_AT),
                    instant(item, JobTable.TERMINAL_AT),
                    instant(item, JobTable.STORED_AT),
                    instant(item, JobTable.UPDATED_AT)))
            .reconcile(
                new Job.ReconcileCheck(
                    instant(item, JobTable.RECONCILE_NEXT_CHECK),
                    string(item, JobTable.RECONCILE_LAST_OUTCOME)))
            .signedUrls(strings(item, JobTable.SIGNED_URLS))
            .outputsExpireAt(instant(item, JobTable.OUTPUTS_EXPIRE_AT))
            .build());
  }

  /** The delivery a delivery item holds; empty for any other item. */
  public static Optional<DeliveryRecord> delivery(Map<String, AttributeValue> item) {
    if (item == null || !JobTable.ITEM_TYPE_DELIVERY.equals(string(item, JobTable.ITEM_TYPE))) {
      return Optional.empty();
    }
    Provider provider =
        Provider.fromId(string(item, JobTable.PROVIDER))
            .orElseThrow(() -> new IllegalArgumentException("delivery item without a provider"));
    BigDecimal expires = number(item, JobTable.EXPIRES_AT);
    return Optional.of(
        new DeliveryRecord(
            new JobKey(string(item, JobTable.TENANT), provider, string(item, JobTable.JOB_ID)),
            string(item, JobTable.DEDUPE_KEY),
            string(item, JobTable.EVENT_STATUS),
            string(item, JobTable.RAW_EVENT),
            string(item, JobTable.IDEMPOTENCY_HEADER),
            instant(item, JobTable.RECEIVED_AT),
            expires == null ? null : Instant.ofEpochSecond(expires.longValue())));
  }

  /**
   * The first terminal delivery as its job item keeps it: dedupe key, raw event, idempotency header
   * and when it arrived; empty for an item that is not a job item or a job without one.
   */
  public static Optional<DeliveryRecord> terminalDelivery(Map<String, AttributeValue> item) {
    Optional<Job> job = job(item);
    if (job.isEmpty() || job.get().terminalDelivery() == null) {
      return Optional.empty();
    }
    String eventType = job.get().eventType();
    return Optional.of(
        new DeliveryRecord(
            job.get().key(),
            job.get().terminalDelivery(),
            eventType == null
                ? null
                : EventType.fromWireName(eventType).map(EventType::status).orElse(null),
            string(item, JobTable.RAW_EVENT),
            string(item, JobTable.IDEMPOTENCY_HEADER),
            job.get().times().terminalAt(),
            null));
  }

  /** {@code terminal_delivery} of an item (null when absent): what tells a duplicate apart. */
  static String terminalDeliveryKey(Map<String, AttributeValue> item) {
    return item == null ? null : string(item, JobTable.TERMINAL_DELIVERY);
  }

  /**
   * What the receiver's commit keeps of the delivery on the job item, beside its terminal state:
   * the raw event (for audit and replay; it does not expire) and the idempotency header as sent.
   */
  static Map<String, AttributeValue> firstDeliveryAttributes(Delivery delivery) {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put(JobTable.RAW_EVENT, s(delivery.rawBody()));
    putIfPresent(item, JobTable.IDEMPOTENCY_HEADER, delivery.idempotencyHeader());
    return item;
  }

  /** The whole item for a job: every attribute that has a value. */
  public static Map<String, AttributeValue> toItem(Job job) {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put(JobTable.PK, s(JobTable.jobKey(job.key())));
    item.putAll(terminalAttributes(job));
    putIfPresent(item, JobTable.PROMPT, job.prompt());
    putIfPresent(item, JobTable.SUBMITTED_AT, job.times().submittedAt());
    if (job.stored().bucket() != null) {
      item.putAll(storedAttributes(job.stored(), job.times().storedAt()));
    }
    if (job.download().failedAttempts() > 0) {
      item.put(JobTable.DOWNLOAD_ATTEMPTS, n(Integer.toString(job.download().failedAttempts())));
    }
    putIfPresent(item, JobTable.LAST_DOWNLOAD_ERROR, job.download().lastError());
    putIfPresent(item, JobTable.RECONCILE_NEXT_CHECK, job.reconcile().nextCheck());
    putIfPresent(item, JobTable.RECONCILE_LAST_OUTCOME, job.reconcile().lastOutcome());
    return item;
  }

  /** The whole item for a delivery. */
  public static Map<String, AttributeValue> toItem(DeliveryRecord delivery) {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    JobKey job = delivery.job();
    item.put(JobTable.PK, s(JobTable.deliveryKey(job, delivery.dedupeKey())));
    item.put(JobTable.ITEM_TYPE, s(JobTable.ITEM_TYPE_DELIVERY));
    item.put(JobTable.TENANT, s(job.tenant()));
    item.put(JobTable.PROVIDER, s(job.provider().id()));
    item.put(JobTable.JOB_ID, s(job.jobId()));
    item.put(JobTable.DEDUPE_KEY, s(delivery.dedupeKey()));
    item.put(JobTable.EVENT_STATUS, s(delivery.eventStatus()));
    item.put(JobTable.RAW_EVENT, s(delivery.rawEvent()));
    putIfPresent(item, JobTable.RECEIVED_AT, delivery.receivedAt());
    if (delivery.expiresAt() != null) {
      item.put(JobTable.EXPIRES_AT, n(Long.toString(delivery.expiresAt().getEpochSecond())));
    }
    putIfPresent(item, JobTable.IDEMPOTENCY_HEADER, delivery.idempotencyHeader());
    return item;
  }

  /**
   * A job item's attributes that a terminal event sets (and the identity every job item has): what
   * the receiver's commit writes. Absent values are left out, never written as nulls.
   */
  static Map<String, AttributeValue> terminalAttributes(Job job) {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put(JobTable.ITEM_TYPE, s(JobTable.ITEM_TYPE_JOB));
    item.put(JobTable.TENANT, s(job.tenant()));
    item.put(JobTable.PROVIDER, s(job.provider().id()));
    item.put(JobTable.JOB_ID, s(job.jobId()));
    item.put(JobTable.STATUS, s(job.status().value()));
    item.put(JobTable.UNSIGNED_URLS, list(job.unsignedUrls(), JobItems::s));
    putIfPresent(item, JobTable.EVENT_TYPE, job.eventType());
    putIfPresent(item, JobTable.EVENT_CREATED_AT, job.eventCreatedAt());
    putIfPresent(item, JobTable.TERMINAL_DELIVERY, job.terminalDelivery());
    putIfPresent(item, JobTable.GENERATION_ID, job.generationId());
    putIfPresent(item, JobTable.MODEL, job.model());
    putIfPresent(item, JobTable.ERROR, job.error());
    if (job.usage().cost() != null) {
      // toString keeps the exponent: a huge or tiny cost stays a short string
      item.put(JobTable.USAGE_COST, n(job.usage().cost().toString()));
    }
    if (job.usage().byok() != null) {
      item.put(JobTable.USAGE_IS_BYOK, AttributeValue.fromBool(job.usage().byok()));
    }
    putIfPresent(item, JobTable.TERMINAL_AT, job.times().terminalAt());
    putIfPresent(item, JobTable.UPDATED_AT, job.times().updatedAt());
    if (!job.signedUrls().isEmpty()) {
      item.put(JobTable.SIGNED_URLS, list(job.signedUrls(), JobItems::s));
    }
    putIfPresent(item, JobTable.OUTPUTS_EXPIRE_AT, job.outputsExpireAt());
    return item;
  }

  /** What the downloader's success sets on a job item. */
  static Map<String, AttributeValue> storedAttributes(Job.StoredVideos stored, Instant at) {
    List<StoredObject> objects = stored.objects();
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put(JobTable.BUCKET, s(stored.bucket()));
    item.put(JobTable.OBJECT_KEYS, list(objects, o -> s(o.key())));
    item.put(JobTable.OBJECT_SIZES, list(objects, o -> n(Long.toString(o.size()))));
    item.put(JobTable.OBJECT_SHA256S, list(objects, o -> s(o.sha256())));
    item.put(JobTable.CONTENT_TYPES, list(objects, o -> s(o.contentType())));
    if (objects.stream().allMatch(o -> o.source() != null)) {
      item.put(JobTable.OBJECT_SOURCES, list(objects, o -> s(o.source().value())));
    }
    putIfPresent(item, JobTable.STORED_AT, at);
    return item;
  }

  /** The table key of a job's item. */
  static Map<String, AttributeValue> key(JobKey job) {
    return Map.of(JobTable.PK, s(JobTable.jobKey(job)));
  }

  /** The table key of the item that says which tenant owns a provider's job id. */
  static Map<String, AttributeValue> ownerKey(JobKey job) {
    return Map.of(JobTable.PK, s(JobTable.ownerKey(job)));
  }

  /** The owner item of a job submitted for {@code job}'s tenant. */
  static Map<String, AttributeValue> ownerItem(JobKey job) {
    Map<String, AttributeValue> item = new LinkedHashMap<>(ownerKey(job));
    item.put(JobTable.ITEM_TYPE, s(JobTable.ITEM_TYPE_OWNER));
    item.put(JobTable.TENANT, s(job.tenant()));
    item.put(JobTable.PROVIDER, s(job.provider().id()));
    item.put(JobTable.JOB_ID, s(job.jobId()));
    return item;
  }

  /** The tenant an owner item names; empty for no item or another kind of item. */
  static Optional<String> owner(Map<String, AttributeValue> item) {
    if (item == null || !JobTable.ITEM_TYPE_OWNER.equals(string(item, JobTable.ITEM_TYPE))) {
      return Optional.empty();
    }
    return Optional.ofNullable(string(item, JobTable.TENANT));
  }

  /**
   * True when {@code ownerItem} (the job's owner item, or null) names a tenant other than {@code
   * tenant}: a delivery for that job at {@code tenant}'s URL is another tenant's. No owner item (a
   * job submitted elsewhere) is no one's.
   */
  static boolean ownedByAnother(Map<String, AttributeValue> ownerItem, String tenant) {
    return owner(ownerItem).map(owner -> !owner.equals(tenant)).orElse(false);
  }

  /** The table key of a delivery item. */
  static Map<String, AttributeValue> deliveryKey(JobKey job, String dedupeKey) {
    return Map.of(JobTable.PK, s(JobTable.deliveryKey(job, dedupeKey)));
  }

  /** The table key of {@link JobTable#PRIMING_KEY}, which no item ever has. */
  static Map<String, AttributeValue> primingKey() {
    return Map.of(JobTable.PK, s(JobTable.PRIMING_KEY));
  }

  /** The status an item holds, if it holds a known one. */
  static Optional<JobStatus> status(Map<String, AttributeValue> item) {
    return Optional.ofNullable(item)
        .map(i -> string(i, JobTable.STATUS))
        .flatMap(JobStatus::fromValue);
  }

  /**
   * What a submit sets on a job item, whether or not its webhook came first: the identity, model,
   * prompt and submit time.
   */
  static Map<String, AttributeValue> submittedAttributes(Job submitted) {
    Map<String, AttributeValue> identity = terminalAttributes(submitted);
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    for (String name :
        List.of(JobTable.ITEM_TYPE, JobTable.TENANT, JobTable.PROVIDER, JobTable.JOB_ID)) {
      item.put(name, identity.get(name));
    }
    item.put(JobTable.MODEL, s(submitted.model()));
    if (submitted.prompt() != null) {
      // a model that works from images alone is submitted without one
      item.put(JobTable.PROMPT, s(submitted.prompt()));
    }
    item.put(JobTable.SUBMITTED_AT, s(submitted.times().submittedAt().toString()));
    return item;
  }

  /** What a submit sets only on a job not seen yet: its status and last change. */
  static Map<String, AttributeValue> submittedIfAbsent(Job submitted) {
    Map<String, AttributeValue> identity = terminalAttributes(submitted);
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put(JobTable.STATUS, identity.get(JobTable.STATUS));
    item.put(JobTable.UPDATED_AT, identity.get(JobTable.UPDATED_AT));
    return item;
  }

  /** A job becoming {@code stored}: where its videos are, the new status and when. */
  static Map<String, AttributeValue> storedTransition(Job.StoredVideos stored, Instant at) {
    Map<String, AttributeValue> item = new LinkedHashMap<>(storedAttributes(stored, at));
    item.put(JobTable.STATUS, s(JobStatus.STORED.value()));
    item.put(JobTable.UPDATED_AT, s(at.toString()));
    return item;
  }

  /** A failed download noted: its reason and when; with {@code giveUp}, the job's new status. */
  static Map<String, AttributeValue> downloadFailure(String error, Instant at, boolean giveUp) {
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    item.put(JobTable.LAST_DOWNLOAD_ERROR, s(error));
    item.put(JobTable.UPDATED_AT, s(at.toString()));
    if (giveUp) {
      item.putAll(status(JobStatus.DOWNLOAD_FAILED));
    }
    return item;
  }

  /** A job just submitted, {@code pending}: what every store records for a submit. */
  static Job submitted(JobKey job, String model, String prompt, Instant submittedAt) {
    return Job.builder(job, JobStatus.PENDING)
        .model(model)
        .prompt(
            prompt == null ? null : TextBounds.truncateUtf8(prompt, TextBounds.MAX_PROMPT_BYTES))
        .times(new Job.Times(submittedAt, null, null, submittedAt))
        .build();
  }

  /** A download lease taken: its holder's token and when it ends. */
  static Map<String, AttributeValue> lease(DownloadLease lease) {
    return Map.of(
        JobTable.DOWNLOAD_LEASE_OWNER,
        s(lease.owner()),
        JobTable.DOWNLOAD_LEASE_EXPIRES,
        n(Long.toString(lease.expiresAt().toEpochMilli())));
  }

  /** The attributes a released lease removes. */
  static String[] leaseAttributes() {
    return new String[] {JobTable.DOWNLOAD_LEASE_OWNER, JobTable.DOWNLOAD_LEASE_EXPIRES};
  }

  /** When the lease an item holds ends; empty when the item holds none. */
  static Optional<Instant> leaseExpiry(Map<String, AttributeValue> item) {
    return Optional.ofNullable(item)
        .map(i -> number(i, JobTable.DOWNLOAD_LEASE_EXPIRES))
        .map(millis -> Instant.ofEpochMilli(millis.longValue()));
  }

  /** The failed download attempts an item counts (0 when none). */
  static int downloadAttempts(Map<String, AttributeValue> item) {
    BigDecimal attempts = item == null ? null : number(item, JobTable.DOWNLOAD_ATTEMPTS);
    return attempts == null ? 0 : attempts.intValue();
  }

  /** One more failed download attempt, for an ADD. */
  static Map<String, AttributeValue> oneMoreAttempt() {
    return Map.of(JobTable.DOWNLOAD_ATTEMPTS, n("1"));
  }

  /** The reconciler's note on a pending job it could not settle: when to look again, and why. */
  static Map<String, AttributeValue> reconcileNote(Instant nextCheck, String lastOutcome) {
    return Map.of(
        JobTable.RECONCILE_NEXT_CHECK,
        s(nextCheck.toString()),
        JobTable.RECONCILE_LAST_OUTCOME,
        s(lastOutcome));
  }

  /** A status alone. */
  static Map<String, AttributeValue> status(JobStatus status) {
    return Map.of(JobTable.STATUS, s(status.value()));
  }

  /** A pending job given up on: {@code expired}, the reason as its error, and when. */
  static Map<String, AttributeValue> expiredTransition(String reason, Instant at) {
    Map<String, AttributeValue> item = new LinkedHashMap<>(status(JobStatus.EXPIRED));
    item.put(JobTable.ERROR, s(reason));
    item.put(JobTable.TERMINAL_AT, s(at.toString()));
    item.put(JobTable.UPDATED_AT, s(at.toString()));
    return item;
  }

  /**
   * An item as plain Java values (strings, numbers, booleans, lists, maps), keys sorted, the table
   * key left out: the JSON the command line and the local stack print for a job.
   */
  public static Map<String, Object> toPlain(Job job) {
    Map<String, Object> plain = new TreeMap<>();
    toItem(job)
        .forEach(
            (name, value) -> {
              if (name.equals(JobTable.SIGNED_URLS)) {
                // a signed URL's query is a credential to the object: shown without it
                plain.put(
                    name,
                    job.signedUrls().stream().map(url -> UrlPolicy.redacted(uri(url))).toList());
              } else if (!name.equals(JobTable.PK) && !name.equals(JobTable.ITEM_TYPE)) {
                plain.put(name, plain(value));
              }
            });
    return plain;
  }

  private static URI uri(String url) {
    try {
      return new URI(url);
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static Object plain(AttributeValue value) {
    if (value.s() != null) {
      return value.s();
    }
    if (value.n() != null) {
      return new BigDecimal(value.n());
    }
    if (value.bool() != null) {
      return value.bool();
    }
    if (value.hasL()) {
      return value.l().stream().map(JobItems::plain).toList();
    }
    return null;
  }

  private static List<StoredObject> storedObjects(Map<String, AttributeValue> item) {
    List<String> keys = strings(item, JobTable.OBJECT_KEYS);
    List<AttributeValue> sizes = listOf(item, JobTable.OBJECT_SIZES);
    List<String> sha256s = strings(item, JobTable.OBJECT_SHA256S);
    List<String> types = strings(item, JobTable.CONTENT_TYPES);
    List<String> sources = strings(item, JobTable.OBJECT_SOURCES);
    List<StoredObject> objects = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      objects.add(
          new StoredObject(
              keys.get(i),
              i < sizes.size() && sizes.get(i).n() != null ? Long.parseLong(sizes.get(i).n()) : 0,
              i < sha256s.size() ? sha256s.get(i) : null,
              i < types.size() ? types.get(i) : null,
              i < sources.size()
                  ? StoredObject.Source.fromValue(sources.get(i)).orElse(null)
                  : null));
    }
    return objects;
  }

  private static String string(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.s();
  }

  private static BigDecimal number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? null : new BigDecimal(value.n());
  }

  private static Boolean bool(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? null : value.bool();
  }

  /**
   * @throws IllegalArgumentException when the attribute is not a time: an unreadable item, as every
   *     other malformed attribute is, so a reader can skip it and go on
   */
  private static Instant instant(Map<String, AttributeValue> item, String name) {
    String value = string(item, name);
    try {
      return value == null ? null : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "job item " + string(item, JobTable.PK) + ": " + name + " is not a time", e);
    }
  }

  private static List<AttributeValue> listOf(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || !value.hasL() ? List.of() : value.l();
  }

  private static List<String> strings(Map<String, AttributeValue> item, String name) {
    return listOf(item, name).stream().map(AttributeValue::s).filter(v -> v != null).toList();
  }

  private static <T> AttributeValue list(List<T> values, Function<T, AttributeValue> each) {
    return AttributeValue.fromL(values.stream().map(each).toList());
  }

  private static void putIfPresent(Map<String, AttributeValue> item, String name, Object value) {
    if (value != null) {
      item.put(name, s(value.toString()));
    }
  }

  static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  static AttributeValue n(String value) {
    return AttributeValue.fromN(value);
  }
}
