package dev.videohook.download;

import dev.videohook.job.StoredObject;
import dev.videohook.net.UrlPolicy;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderClient;
import dev.videohook.secrets.TenantSecrets;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a completed job's videos into S3: every {@code unsigned_urls} entry, or, when there is
 * none, the provider's content endpoint {@code GET {apiBase}/videos/{id}/content?index=N} for each
 * output N the provider's status counts. Object keys are {@code
 * {tenant}/{provider}/{jobId}/{index}.{ext}}, the extension from the Content-Type ({@code mp4} when
 * it names no known video type).
 *
 * <p>Credentials stay home: the provider API key goes only to a request whose origin (scheme, host,
 * port) is the provider API's; redirects are followed here, hop by hop, so a redirect to another
 * origin is fetched without it. Only https is fetched, and plain http only to loopback hosts in
 * local mode, on every hop.
 *
 * <p>Bodies are streamed over HTTP/1.1 (no HTTP/2 receive window to fill) into {@link
 * StreamingUploader}. Transient failures are retried per source by the {@link RetryPolicy}; a
 * source already stored is not fetched again within the same call.
 */
public final class VideoDownloader {
  private static final Logger LOG = LoggerFactory.getLogger(VideoDownloader.class);

  private static final int MAX_REDIRECTS = 5;
  private static final String DEFAULT_CONTENT_TYPE = "video/mp4";
  private static final Map<String, String> EXTENSIONS =
      Map.of(
          "video/mp4", "mp4",
          "video/webm", "webm",
          "video/quicktime", "mov",
          "video/x-matroska", "mkv",
          "video/mpeg", "mpg");

  private final HttpClient http;
  private final StreamingUploader uploader;
  private final Map<Provider, URI> apiBases;
  private final TenantSecrets secrets;
  private final boolean allowLoopbackHttp;
  private final long maxBytes;
  private final RetryPolicy retry;
  private final Duration responseTimeout;
  private final Duration idleTimeout;

  private VideoDownloader(Builder b) {
    this.http = b.http != null ? b.http : defaultHttpClient();
    this.uploader = b.uploader;
    this.apiBases = new EnumMap<>(b.apiBases);
    this.secrets = b.secrets;
    this.allowLoopbackHttp = b.allowLoopbackHttp;
    this.maxBytes = b.maxBytes;
    this.retry = b.retry;
    this.responseTimeout = b.responseTimeout;
    this.idleTimeout = b.idleTimeout;
  }

  public static Builder builder(StreamingUploader uploader, TenantSecrets secrets) {
    return new Builder(uploader, secrets);
  }

  /** HTTP/1.1, no automatic redirects: every hop is checked here. */
  public static HttpClient defaultHttpClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
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
    List<URI> sources = sources(job);
    List<StoredObject> stored = new ArrayList<>(sources.size());
    for (int index = 0; index < sources.size(); index++) {
      URI source = sources.get(index);
      int i = index;
      String what = "download " + job + " #" + index + " from " + UrlPolicy.redacted(source);
      StoredObject object = retry.run(what, () -> fetchAndStore(job, i, source));
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
      return new ProviderClient(job.provider(), apiBase(job.provider()), apiKey, http)
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

  /** A URL the policy refuses fails at once: retrying cannot make it allowed. */
  private void requireAllowed(URI uri) {
    if (!UrlPolicy.isAllowed(uri, allowLoopbackHttp)) {
      throw DownloadException.permanent(
          "refused to fetch "
              + UrlPolicy.redacted(uri)
              + ": only https, or http to a loopback host in local mode");
    }
  }

  private StoredObject fetchAndStore(CompletedJob job, int index, URI source) {
    URI apiOrigin = apiBase(job.provider());
    URI uri = source;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      requireAllowed(uri);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .GET()
              .timeout(responseTimeout)
              .header("Accept", "video/*, */*");
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
        request.header("Authorization", "Bearer " + apiKey);
      }
      HttpResponse<InputStream> response = send(request.build(), uri);
      int status = response.statusCode();
      if (isRedirect(status)) {
        Optional<String> location = response.headers().firstValue("location");
        closeQuietly(response.body());
        if (location.isEmpty()) {
          throw DownloadException.permanent(
              "HTTP " + status + " without Location from " + UrlPolicy.redacted(uri));
        }
        uri = resolve(uri, location.get());
        continue;
      }
      if (status != 200) {
        closeQuietly(response.body());
        String message = "HTTP " + status + " from " + UrlPolicy.redacted(uri);
        if (status == 429 || status >= 500) {
          throw DownloadException.retryable(message);
        }
        throw DownloadException.permanent(message);
      }
      return store(job, index, uri, response);
    }
    throw DownloadException.permanent(
        "more than " + MAX_REDIRECTS + " redirects from " + UrlPolicy.redacted(source));
  }

  private HttpResponse<InputStream> send(HttpRequest request, URI uri) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw DownloadException.retryable(
          "GET " + UrlPolicy.redacted(uri) + " failed: " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DownloadException.permanent("interrupted while fetching " + UrlPolicy.redacted(uri));
    }
  }

  private StoredObject store(
      CompletedJob job, int index, URI uri, HttpResponse<InputStream> response) {
    long declared = response.headers().firstValueAsLong("content-length").orElse(-1);
    String contentType = contentType(response);
    String key = key(job, index, contentType);
    try (InputStream body = new IdleTimeoutInputStream(response.body(), idleTimeout)) {
      return uploader.upload(key, contentType, body, declared, maxBytes);
    } catch (IOException e) {
      throw DownloadException.retryable(
          "reading " + UrlPolicy.redacted(uri) + " failed: " + describe(e), e);
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

  private static String contentType(HttpResponse<InputStream> response) {
    return response
        .headers()
        .firstValue("content-type")
        .map(v -> v.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))
        .filter(v -> !v.isEmpty())
        .orElse(DEFAULT_CONTENT_TYPE);
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

  /** The exception and its causes, without stack traces. */
  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder(e.toString());
    for (Throwable cause = e.getCause();
        cause != null && cause != cause.getCause();
        cause = cause.getCause()) {
      text.append(" <- ").append(cause);
    }
    return text.toString();
  }

  private static void closeQuietly(InputStream body) {
    try {
      body.close();
    } catch (IOException ignored) {
      // nothing more to read from it anyway
    }
  }

  /** Collaborators and limits; defaults fit the Lambda. */
  public static final class Builder {
    private final StreamingUploader uploader;
    private final TenantSecrets secrets;
    private HttpClient http;
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

    public Builder httpClient(HttpClient http) {
      this.http = http;
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
