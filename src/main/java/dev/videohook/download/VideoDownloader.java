package dev.videohook.download;

import dev.videohook.job.StoredObject;
import dev.videohook.net.Destination;
import dev.videohook.net.HostResolver;
import dev.videohook.net.RefusedDestinationException;
import dev.videohook.net.UrlPolicy;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderClient;
import dev.videohook.secrets.TenantSecrets;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a completed job's videos into S3: every {@code unsigned_urls} entry, or, when there is
 * none, the provider's content endpoint {@code GET {apiBase}/videos/{id}/content?index=N} for each
 * output N the provider's status counts. Object keys are {@code
 * {tenant}/{provider}/{jobId}/{index}.{ext}}, the extension from the Content-Type ({@code mp4} when
 * it names no allowed video type; the object's Content-Type is then {@code
 * application/octet-stream}).
 *
 * <p>Credentials stay home: the provider API key goes only to a request whose origin (scheme, host,
 * port) is the provider API's; redirects are followed here, hop by hop, so a redirect to another
 * origin is fetched without it. Only https is fetched, and plain http only to loopback hosts in
 * local mode, on every hop.
 *
 * <p>Only public addresses: every hop's host is resolved once through the {@link HostResolver},
 * every address checked ({@link Destination#check}), and the connection made to exactly those
 * addresses (OkHttp's {@link Dns} hook answers with them; no second lookup), while TLS still checks
 * the certificate against the URL's host. A refused destination is a permanent failure ({@link
 * DownloadException#refused}).
 *
 * <p>Nothing a failed request throws is passed on: failures carry the exception's kind and a
 * message written here, since a JDK or client message may quote a header value.
 *
 * <p>Bodies are streamed over HTTP/1.1 (no HTTP/2 receive window to fill) into {@link
 * StreamingUploader}. Transient failures are retried per source by the {@link RetryPolicy}; a
 * source already stored is not fetched again within the same call.
 */
public final class VideoDownloader {
  private static final Logger LOG = LoggerFactory.getLogger(VideoDownloader.class);

  private static final int MAX_REDIRECTS = 5;

  /** What a source that names no allowed video type is stored as. */
  static final String UNKNOWN_CONTENT_TYPE = "application/octet-stream";

  /** The video types stored as themselves, each with its key's extension. */
  private static final Map<String, String> EXTENSIONS =
      Map.of(
          "video/mp4", "mp4",
          "video/webm", "webm",
          "video/quicktime", "mov",
          "video/x-matroska", "mkv",
          "video/mpeg", "mpg");

  private final OkHttpClient http;
  private final HostResolver resolver;
  private final StreamingUploader uploader;
  private final Map<Provider, URI> apiBases;
  private final TenantSecrets secrets;
  private final boolean allowLoopbackHttp;
  private final long maxBytes;
  private final RetryPolicy retry;
  private final Duration idleTimeout;

  private VideoDownloader(Builder b) {
    this.http = httpClient(b.responseTimeout);
    this.resolver = b.resolver;
    this.uploader = b.uploader;
    this.apiBases = new EnumMap<>(b.apiBases);
    this.secrets = b.secrets;
    this.allowLoopbackHttp = b.allowLoopbackHttp;
    this.maxBytes = b.maxBytes;
    this.retry = b.retry;
    this.idleTimeout = b.idleTimeout;
  }

  public static Builder builder(StreamingUploader uploader, TenantSecrets secrets) {
    return new Builder(uploader, secrets);
  }

  /**
   * HTTP/1.1, no proxy, no automatic redirects or retries (every hop is checked here), no
   * transparent gzip (the bytes stored are the bytes served).
   */
  private static OkHttpClient httpClient(Duration responseTimeout) {
    return new OkHttpClient.Builder()
        .protocols(List.of(Protocol.HTTP_1_1))
        .proxy(Proxy.NO_PROXY)
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(responseTimeout)
        .writeTimeout(responseTimeout)
        .build();
  }

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
   * before each source and request, and between reads (the upload in progress is aborted).
   *
   * @throws DownloadException when a source cannot be stored after the retries allowed, or the
   *     deadline has passed ({@link DownloadException#isDeadline})
   */
  public List<StoredObject> download(CompletedJob job, Deadline deadline) {
    deadline.check(0);
    List<URI> sources = sources(job);
    requireKeysFit(job, sources.size());
    List<StoredObject> stored = new ArrayList<>(sources.size());
    for (int index = 0; index < sources.size(); index++) {
      URI source = sources.get(index);
      int i = index;
      String what = "download " + job + " #" + index + " from " + UrlPolicy.redacted(source);
      StoredObject object = retry.run(what, () -> fetchAndStore(job, i, source, deadline));
      DownloadService.log(LOG.atInfo(), job)
          .addKeyValue("index", index)
          .addKeyValue("key", object.key())
          .addKeyValue("bytes", object.size())
          .log("video stored");
      stored.add(object);
    }
    return stored;
  }

  private List<URI> sources(CompletedJob job) {
    if (job.unsignedUrls().isEmpty()) {
      // every output, index 0..n-1, the count from the provider's status
      int outputs = retry.run("status of " + job, () -> outputCount(job));
      List<URI> endpoints = new ArrayList<>(outputs);
      for (int index = 0; index < outputs; index++) {
        endpoints.add(contentEndpoint(job, index));
      }
      return endpoints;
    }
    List<URI> sources = new ArrayList<>();
    for (String url : job.unsignedUrls()) {
      try {
        sources.add(new URI(url));
      } catch (URISyntaxException e) {
        throw DownloadException.permanent("job " + job + " has an unsigned URL that is not a URL");
      }
    }
    return sources;
  }

  /** The job's output count, from {@code GET {apiBase}/videos/{id}} with the tenant's key. */
  private int outputCount(CompletedJob job) {
    String apiKey =
        secrets
            .apiKey(job.tenant(), job.provider())
            .orElseThrow(
                () ->
                    DownloadException.permanent(
                        "no API key for "
                            + job.provider().id()
                            + " (tenant "
                            + job.tenant()
                            + ")"));
    try {
      return new ProviderClient(job.provider(), apiBase(job.provider()), apiKey)
          .status(job.jobId())
          .outputCount();
    } catch (ProviderApiException e) {
      int code = e.statusCode();
      if (code == 0 || code == 429 || code >= 500) {
        throw DownloadException.retryable("status of " + job + ": " + e.getMessage());
      }
      // the provider will not say (no status for this job): the first output is all we can name
      DownloadService.log(LOG.atWarn(), job)
          .addKeyValue("outcome", "output_count_unknown")
          .addKeyValue("statusCode", code)
          .log("provider status unavailable: fetching output 0 only");
      return 1;
    }
  }

  /** {@code {apiBase}/videos/{id}/content?index=N}. */
  URI contentEndpoint(CompletedJob job, int index) {
    String base = apiBase(job.provider()).toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + "/videos/" + pathSegment(job.jobId()) + "/content?index=" + index);
  }

  private URI apiBase(Provider provider) {
    URI base = apiBases.get(provider);
    return base != null ? base : provider.defaultApiBase();
  }

  /**
   * Resolves and checks the hop's host, and returns a client that connects to exactly the checked
   * addresses. A refused destination fails at once: retrying cannot make it allowed.
   */
  private OkHttpClient pinnedClient(HttpUrl url, URI uri) {
    Destination destination;
    try {
      destination = Destination.check(url.scheme(), url.host(), resolver, allowLoopbackHttp);
    } catch (RefusedDestinationException e) {
      throw DownloadException.refused(e.getMessage() + " (" + UrlPolicy.redacted(uri) + ")");
    } catch (UnknownHostException e) {
      throw DownloadException.retryable(
          "GET " + UrlPolicy.redacted(uri) + " failed: its host does not resolve");
    } catch (RuntimeException e) {
      throw DownloadException.retryable(
          "GET " + UrlPolicy.redacted(uri) + " failed: resolving its host threw " + kind(e));
    }
    List<InetAddress> checked = destination.addresses();
    Dns pinned =
        host -> {
          if (host.equalsIgnoreCase(destination.host())) {
            return checked;
          }
          throw new UnknownHostException("not the host that was checked");
        };
    return http.newBuilder().dns(pinned).build();
  }

  private static HttpUrl httpUrl(URI uri) {
    HttpUrl url = HttpUrl.parse(uri.toString());
    if (url == null) {
      throw DownloadException.refused(
          "refused to fetch " + UrlPolicy.redacted(uri) + ": only https, or http in local mode");
    }
    return url;
  }

  private StoredObject fetchAndStore(CompletedJob job, int index, URI source, Deadline deadline) {
    URI apiOrigin = apiBase(job.provider());
    URI uri = source;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      deadline.check(0);
      HttpUrl url = httpUrl(uri);
      OkHttpClient client = pinnedClient(url, uri);
      Request.Builder request =
          new Request.Builder()
              .url(url)
              .get()
              .header("Accept", "video/*, */*")
              .header("Accept-Encoding", "identity");
      if (UrlPolicy.sameOrigin(uri, apiOrigin)) {
        String apiKey =
            secrets
                .apiKey(job.tenant(), job.provider())
                .orElseThrow(
                    () ->
                        DownloadException.permanent(
                            "no API key for "
                                + job.provider().id()
                                + " (tenant "
                                + job.tenant()
                                + ")"));
        try {
          request.header("Authorization", "Bearer " + apiKey);
        } catch (RuntimeException invalid) {
          // the client's message could quote the value: say what is wrong in our own words
          throw DownloadException.permanent(
              "the API key for "
                  + job.provider().id()
                  + " (tenant "
                  + job.tenant()
                  + ") cannot be sent: it holds characters a header cannot carry");
        }
      }
      Response response = send(client, request.build(), uri);
      int status = response.code();
      if (isRedirect(status)) {
        Optional<String> location = Optional.ofNullable(response.header("Location"));
        response.close();
        if (location.isEmpty()) {
          throw DownloadException.permanent(
              "HTTP " + status + " without Location from " + UrlPolicy.redacted(uri));
        }
        uri = resolve(uri, location.get());
        continue;
      }
      if (status != 200) {
        response.close();
        String message = "HTTP " + status + " from " + UrlPolicy.redacted(uri);
        if (status == 429 || status >= 500) {
          throw DownloadException.retryable(message);
        }
        throw DownloadException.permanent(message);
      }
      return store(job, index, uri, response, deadline);
    }
    throw DownloadException.permanent(
        "more than " + MAX_REDIRECTS + " redirects from " + UrlPolicy.redacted(source));
  }

  /**
   * The one place a request is sent. What the client throws never leaves here: its message could
   * quote a header (the API key), so only its kind is kept.
   */
  private static Response send(OkHttpClient client, Request request, URI uri) {
    try {
      return client.newCall(request).execute();
    } catch (IOException | RuntimeException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw DownloadException.permanent("interrupted while fetching " + UrlPolicy.redacted(uri));
      }
      throw DownloadException.retryable("GET " + UrlPolicy.redacted(uri) + " failed: " + kind(e));
    }
  }

  private StoredObject store(
      CompletedJob job, int index, URI uri, Response response, Deadline deadline) {
    long declared = contentLength(response);
    String contentType = contentType(response);
    String key = key(job, index, contentType);
    try (response;
        InputStream body = new IdleTimeoutInputStream(response.body().byteStream(), idleTimeout)) {
      return uploader.upload(key, contentType, body, declared, maxBytes, deadline);
    } catch (IOException e) {
      throw DownloadException.retryable(
          "reading " + UrlPolicy.redacted(uri) + " failed: " + kind(e));
    }
  }

  private static long contentLength(Response response) {
    String value = response.header("Content-Length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** S3's limit on an object key, in UTF-8 bytes. */
  static final int MAX_KEY_BYTES = 1024;

  /**
   * Every key this job can get must fit S3's 1,024 bytes; a job id too long for that can never be
   * stored, so it fails at once, before anything is fetched.
   */
  private static void requireKeysFit(CompletedJob job, int sources) {
    int longest = 0;
    for (String type : EXTENSIONS.keySet()) {
      longest =
          Math.max(longest, key(job, sources - 1, type).getBytes(StandardCharsets.UTF_8).length);
    }
    if (longest > MAX_KEY_BYTES) {
      throw DownloadException.refused(
          "refused: the job id makes an S3 key of "
              + longest
              + " bytes, over S3's "
              + MAX_KEY_BYTES);
    }
  }

  static String key(CompletedJob job, int index, String contentType) {
    String ext = EXTENSIONS.getOrDefault(contentType, "mp4");
    return pathSegment(job.tenant())
        + "/"
        + job.provider().id()
        + "/"
        + pathSegment(job.jobId())
        + "/"
        + index
        + "."
        + ext;
  }

  /**
   * The source's media type when it is one of the allowed video types ({@link #EXTENSIONS}),
   * otherwise {@code application/octet-stream}: what is stored never claims more than it is.
   */
  static String contentType(Response response) {
    return allowedContentType(response.header("Content-Type"));
  }

  static String allowedContentType(String header) {
    return Optional.ofNullable(header)
        .map(v -> v.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))
        .filter(EXTENSIONS::containsKey)
        .orElse(UNKNOWN_CONTENT_TYPE);
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static URI resolve(URI base, String location) {
    try {
      return base.resolve(new URI(location));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw DownloadException.permanent(
          "redirect from " + UrlPolicy.redacted(base) + " to something that is not a URL");
    }
  }

  /** Unreserved characters as they are, everything else percent-encoded (UTF-8). */
  static String pathSegment(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || c == '$') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    String encoded = out.toString();
    return encoded.equals(".") || encoded.equals("..") ? encoded.replace(".", "%2E") : encoded;
  }

  /** The exception's kind and its causes' kinds, never their messages. */
  static String kind(Throwable e) {
    StringBuilder text = new StringBuilder(e.getClass().getSimpleName());
    for (Throwable cause = e.getCause();
        cause != null && cause != cause.getCause();
        cause = cause.getCause()) {
      text.append(" <- ").append(cause.getClass().getSimpleName());
    }
    return text.toString();
  }

  /** Collaborators and limits; defaults fit the Lambda. */
  public static final class Builder {
    private final StreamingUploader uploader;
    private final TenantSecrets secrets;
    private HostResolver resolver = HostResolver.SYSTEM;
    private Map<Provider, URI> apiBases = new EnumMap<>(Provider.class);
    private boolean allowLoopbackHttp;
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

    /** The API base per provider; a provider left out uses its public API base. */
    public Builder apiBases(Map<Provider, URI> apiBases) {
      this.apiBases = new EnumMap<>(Provider.class);
      this.apiBases.putAll(apiBases);
      return this;
    }

    public Builder allowLoopbackHttp(boolean allow) {
      this.allowLoopbackHttp = allow;
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
