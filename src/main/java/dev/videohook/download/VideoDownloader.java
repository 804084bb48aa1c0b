package dev.videohook.download;

import dev.videohook.egress.HostResolver;
import dev.videohook.egress.TransportFailures;
import dev.videohook.egress.UrlPolicy;
import dev.videohook.job.StoredObject;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderClient;
import dev.videohook.retry.Deadline;
import dev.videohook.retry.RetryPolicy;
import dev.videohook.secrets.TenantSecrets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a completed job's videos into S3: the {@link VideoSources} say where they come from, the
 * {@link SourceFetcher} follows each to its body (credentials, addresses, ports and redirects
 * checked on every hop), {@link ObjectKeys} say where each goes and as what, and the body is
 * streamed over HTTP/1.1 (no HTTP/2 receive window to fill) into {@link StreamingUploader}.
 * Transient failures are retried per source by the {@link RetryPolicy}; a source already stored is
 * not fetched again within the same call.
 */
public final class VideoDownloader {
  private static final Logger LOG = LoggerFactory.getLogger(VideoDownloader.class);

  private final VideoSources sources;
  private final SourceFetcher fetcher;
  private final StreamingUploader uploader;
  private final long maxBytes;
  private final RetryPolicy retry;
  private final Duration idleTimeout;

  private VideoDownloader(Builder b) {
    this.sources = new VideoSources(b.apiBases, b.secrets, b.providerHttp, b.retry);
    // an API base's own port is fetched at its origin only (SourceFetcher.portRefusal)
    Set<Integer> ports = new HashSet<>(b.extraPorts);
    ports.add(SourceFetcher.HTTPS_PORT);
    this.fetcher = new SourceFetcher(b.responseTimeout, b.resolver, b.allowLoopbackHttp, ports);
    this.uploader = b.uploader;
    this.maxBytes = b.maxBytes;
    this.retry = b.retry;
    this.idleTimeout = b.idleTimeout;
  }

  public static Builder builder(StreamingUploader uploader, TenantSecrets secrets) {
    return new Builder(uploader, secrets);
  }

  /**
   * A download logs its progress each time this many more bytes are read: two upload parts, a few
   * lines for a large video and none for a small one.
   */
  public static final long PROGRESS_EVERY_BYTES = 2L * StreamingUploader.DEFAULT_PART_SIZE;

  public String bucket() {
    return uploader.bucket();
  }

  /**
   * Stores every video of {@code job}, in source order.
   *
   * @throws DownloadException when a source cannot be stored after the retries allowed
   */
  public List<StoredObject> download(CompletedJob job) {
    return download(job, Deadline.none());
  }

  /**
   * Stores every video of {@code job}, in source order, stopping once {@code deadline} has passed:
   * before each source and request, and between reads (the upload in progress is aborted); no
   * single request outlives it.
   *
   * @throws DownloadException when a source cannot be stored after the retries allowed, or the
   *     deadline has passed ({@link DownloadException#isDeadline})
   */
  public List<StoredObject> download(CompletedJob job, Deadline deadline) {
    DownloadException.checkDeadline(deadline, 0);
    List<URI> urls = sources.of(job, deadline);
    ObjectKeys.requireKeysFit(job, urls.size());
    SourceFetcher.ApiKey apiKey =
        new SourceFetcher.ApiKey(
            sources.apiBase(job.provider()),
            () -> sources.apiKey(job),
            job.provider().id() + " (tenant " + job.tenant() + ")");
    StoredObject.Source kind =
        job.unsignedUrls().isEmpty()
            ? StoredObject.Source.CONTENT_ENDPOINT
            : StoredObject.Source.UNSIGNED_URL;
    List<StoredObject> stored = new ArrayList<>(urls.size());
    for (int index = 0; index < urls.size(); index++) {
      StoredObject object = storeOne(job, index, urls.get(index), kind, apiKey, deadline);
      DownloadService.log(LOG.atInfo(), job)
          .addKeyValue("index", index)
          .addKeyValue("key", object.key())
          .addKeyValue("bytes", object.size())
          .addKeyValue("source", object.source().value())
          .log("video stored");
      stored.add(object);
    }
    return stored;
  }

  /**
   * One output: from its first source (an unsigned URL or the content endpoint), with its retries;
   * when that fails for good (a 5xx after every retry, a refusal, any failure but the deadline) and
   * the provider gave a signed storage URL for this output, from that URL, with retries of its own.
   * The signed URL is fetched with no API key (it is never the API's origin's to receive one:
   * {@link #NO_KEY}) and under the same address, port and redirect rules as any source. The reason
   * of a failure names both sources.
   */
  private StoredObject storeOne(
      CompletedJob job,
      int index,
      URI source,
      StoredObject.Source kind,
      SourceFetcher.ApiKey apiKey,
      Deadline deadline) {
    String what = "download " + job + " #" + index + " from " + UrlPolicy.redacted(source);
    DownloadException first;
    try {
      return retry
          .run(what, () -> store(job, index, fetcher.fetch(source, apiKey, deadline), deadline))
          .from(kind);
    } catch (DownloadException e) {
      first = e;
    }
    Optional<URI> signed = VideoSources.signedUrl(job, index);
    if (first.isDeadline() || signed.isEmpty()) {
      throw first;
    }
    DownloadService.log(LOG.atWarn(), job)
        .addKeyValue("index", index)
        .addKeyValue("outcome", "fallback")
        .addKeyValue("error", first.getMessage())
        .log("first source failed: falling back to the signed storage URL");
    String fallback =
        "download " + job + " #" + index + " from " + UrlPolicy.redacted(signed.get());
    try {
      return retry
          .run(
              fallback,
              () -> store(job, index, fetcher.fetch(signed.get(), NO_KEY, deadline), deadline))
          .from(StoredObject.Source.SIGNED_URL);
    } catch (DownloadException second) {
      String message =
          kind.value()
              + " failed ("
              + first.getMessage()
              + "), then signed_url failed ("
              + second.getMessage()
              + ")";
      if (second.isDeadline()) {
        throw DownloadException.deadline(message);
      }
      throw second.isRefused()
          ? DownloadException.refused(message)
          : second.isTransient()
              ? DownloadException.retryable(message)
              : DownloadException.permanent(message);
    }
  }

  /**
   * The API key for a signed storage URL: none. Its origin matches no URL (an opaque URI has no
   * host), so no hop of a signed URL, nor of its redirects, ever carries the provider's key.
   */
  static final SourceFetcher.ApiKey NO_KEY =
      new SourceFetcher.ApiKey(
          URI.create("none:signed-url"),
          () -> {
            throw new IllegalStateException("a signed URL is never sent the API key");
          },
          "a signed storage URL");

  private StoredObject store(
      CompletedJob job, int index, SourceFetcher.Fetched fetched, Deadline deadline) {
    String key = ObjectKeys.key(job, index, fetched.contentType());
    long length = fetched.contentLength();
    DownloadService.log(LOG.atInfo(), job)
        .addKeyValue("index", index)
        .addKeyValue("outcome", "started")
        .addKeyValue("length", length)
        .log("download started");
    Response response = fetched.response();
    // a read that waits longer than the idle timeout closes the socket (okio's timeout on the
    // body's source): closing the body stream alone would leave a stalled read blocked until the
    // client's read timeout
    response.body().source().timeout().timeout(idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
    ProgressInputStream body =
        new ProgressInputStream(
            new IdleTimeoutInputStream(response.body().byteStream(), idleTimeout),
            read ->
                DownloadService.log(LOG.atInfo(), job)
                    .addKeyValue("index", index)
                    .addKeyValue("outcome", "progress")
                    .addKeyValue("bytesSoFar", read)
                    .addKeyValue("length", length)
                    .log("download progress"));
    try (response;
        body) {
      return uploader.upload(
          key, fetched.contentType(), body, fetched.contentLength(), maxBytes, deadline);
    } catch (IOException e) {
      // said with the numbers, never the exception's class: the reason is what on-call staff read
      throw DownloadException.retryable(
          fetched.source()
              + ": "
              + TransportFailures.duringBody(e, body.bytesRead(), length, idleTimeout));
    }
  }

  /** Collaborators and limits; defaults fit the Lambda. */
  public static final class Builder {
    private final StreamingUploader uploader;
    private final TenantSecrets secrets;
    private HostResolver resolver = HostResolver.SYSTEM;
    private Map<Provider, URI> apiBases = new EnumMap<>(Provider.class);
    private HttpClient providerHttp = ProviderClient.sharedHttp();
    private boolean allowLoopbackHttp;
    private Set<Integer> extraPorts = Set.of();
    private long maxBytes = DownloadConfig.DEFAULT_MAX_BYTES;
    private RetryPolicy retry = RetryPolicy.defaults();
    private Duration responseTimeout = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofSeconds(30);

    private Builder(StreamingUploader uploader, TenantSecrets secrets) {
      this.uploader = uploader;
      this.secrets = secrets;
    }

    /** How host names are resolved (the system's DNS by default; tests pass their own). */
    public Builder resolver(HostResolver resolver) {
      this.resolver = resolver;
      return this;
    }

    /**
     * The API base per provider; a provider left out uses its public API base. A base's port is
     * fetched at that base's origin only.
     */
    public Builder apiBases(Map<Provider, URI> apiBases) {
      this.apiBases = new EnumMap<>(Provider.class);
      this.apiBases.putAll(apiBases);
      return this;
    }

    /** The HTTP client the provider's status is asked on (the shared one by default). */
    public Builder providerHttp(HttpClient providerHttp) {
      this.providerHttp = providerHttp;
      return this;
    }

    public Builder allowLoopbackHttp(boolean allow) {
      this.allowLoopbackHttp = allow;
      return this;
    }

    /** Ports fetched on every host besides 443 (an API base's own is fetched at its origin). */
    public Builder allowPorts(Set<Integer> ports) {
      this.extraPorts = Set.copyOf(ports);
      return this;
    }

    public Builder maxBytes(long maxBytes) {
      this.maxBytes = maxBytes;
      return this;
    }

    public Builder retry(RetryPolicy retry) {
      this.retry = retry;
      return this;
    }

    /** How long to wait for a response's status and headers. */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = timeout;
      return this;
    }

    /** How long a body read may wait for data. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = timeout;
      return this;
    }

    public VideoDownloader build() {
      return new VideoDownloader(this);
    }
  }
}
