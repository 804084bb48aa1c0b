package dev.videohook.download;

import dev.videohook.egress.AddressPolicy;
import dev.videohook.egress.Destination;
import dev.videohook.egress.HostResolver;
import dev.videohook.egress.HttpStatus;
import dev.videohook.egress.RefusedDestinationException;
import dev.videohook.egress.TransportFailures;
import dev.videohook.egress.UrlPolicy;
import dev.videohook.retry.Deadline;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.Dns;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Fetches one source, hop by hop, up to the response whose body holds the video; the decisions
 * (what the next hop is, which failures are worth a retry, which port may be fetched) are small
 * functions apart from the loop.
 *
 * <p>Credentials stay home: the provider API key goes only to a request whose origin (scheme, host,
 * port) is the provider API's; redirects are followed here, so a redirect to another origin is
 * fetched without it. Only https is fetched, on port 443, a port configured for every host (given
 * to the builder), or the API base's own port at the API's origin only; plain http only to loopback
 * hosts in local mode, on every hop.
 *
 * <p>Only public addresses: every hop's host is resolved once through the {@link HostResolver},
 * every address checked ({@link Destination#check}), and the connection made to exactly those
 * addresses (OkHttp's {@link Dns} hook answers with them; no second lookup), while TLS still checks
 * the certificate against the URL's host. A refused destination is a permanent failure ({@link
 * DownloadException#refused}).
 *
 * <p>No call outlives the invocation: each one has the time left before the {@link Deadline} as its
 * overall timeout, so a source that trickles its status line or headers just inside the read
 * timeout is cut off at the deadline.
 *
 * <p>Nothing a failed request throws is passed on: a failure is said in words written here, with
 * its numbers ({@link TransportFailures}), since a JDK or client message may quote a header value
 * and an exception's class name tells the user nothing.
 */
final class SourceFetcher {
  static final int MAX_REDIRECTS = 5;

  /** The one port fetched unless another is configured: https's. */
  static final int HTTPS_PORT = 443;

  /** How long a connection (TCP, then TLS) may take to open. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final OkHttpClient http;
  private final Duration responseTimeout;
  private final HostResolver resolver;
  private final boolean allowLoopbackHttp;
  private final Set<Integer> allowedPorts;

  /**
   * @param allowedPorts the ports fetched on every host, 443 among them; besides them, the API
   *     base's port at its origin, and any port of a loopback host in local mode
   */
  SourceFetcher(
      Duration responseTimeout,
      HostResolver resolver,
      boolean allowLoopbackHttp,
      Set<Integer> allowedPorts) {
    this.http = httpClient(responseTimeout);
    this.responseTimeout = responseTimeout;
    this.resolver = resolver;
    this.allowLoopbackHttp = allowLoopbackHttp;
    this.allowedPorts = Set.copyOf(allowedPorts);
  }

  /**
   * A source's answer: HTTP 200, its headers read and checked, its body still to be read (the
   * caller closes the response).
   *
   * @param apiOrigin whether the source is the provider's API (its content endpoint)
   * @param contentLength the declared length, or -1 when none was declared
   * @param contentType what the video is stored as ({@link ObjectKeys#allowedContentType})
   */
  record Fetched(
      URI uri, boolean apiOrigin, Response response, long contentLength, String contentType) {
    /** The source as a reason names it: what it is, and its URL without the query. */
    String source() {
      return sourceName(apiOrigin) + " (" + UrlPolicy.redacted(uri) + ")";
    }
  }

  /**
   * The provider API key and where it may go.
   *
   * @param origin the provider API's base: only a hop of its origin carries the key
   * @param key asked for only when a hop goes to that origin
   * @param owner whose key it is, for a failure's reason (never the key)
   */
  record ApiKey(URI origin, Supplier<String> key, String owner) {}

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
        .connectTimeout(CONNECT_TIMEOUT)
        .readTimeout(responseTimeout)
        .writeTimeout(responseTimeout)
        .build();
  }

  /**
   * Follows {@code source} to the response that holds its video.
   *
   * @throws DownloadException when a hop is refused, fails, or answers anything but 200 or a
   *     redirect
   */
  Fetched fetch(URI source, ApiKey apiKey, Deadline deadline) {
    URI uri = source;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      DownloadException.checkDeadline(deadline, 0);
      HttpUrl url = httpUrl(uri);
      boolean apiOrigin = UrlPolicy.sameOrigin(uri, apiKey.origin());
      OkHttpClient client = pinnedClient(url, uri, apiOrigin, deadline);
      Request request = request(url, apiOrigin ? apiKey : null);
      Response response = send(client, request, uri, apiOrigin);
      try {
        Optional<URI> next = followUp(response.code(), response.header("Location"), uri, apiOrigin);
        if (next.isEmpty()) {
          return new Fetched(
              uri,
              apiOrigin,
              response,
              contentLength(response.header("Content-Length"), uri),
              ObjectKeys.allowedContentType(response.header("Content-Type")));
        }
        response.close();
        uri = next.get();
      } catch (DownloadException e) {
        closeQuietly(response);
        throw e;
      }
    }
    throw DownloadException.permanent(
        "more than " + MAX_REDIRECTS + " redirects from " + UrlPolicy.redacted(source));
  }

  private static Request request(HttpUrl url, ApiKey apiKey) {
    Request.Builder request =
        new Request.Builder()
            .url(url)
            .get()
            .header("Accept", "video/*, */*")
            .header("Accept-Encoding", "identity");
    if (apiKey != null) {
      String key = apiKey.key().get();
      try {
        request.header("Authorization", "Bearer " + key);
      } catch (RuntimeException invalid) {
        // the client's message could quote the value: say what is wrong in our own words
        throw DownloadException.permanent(
            "the API key for "
                + apiKey.owner()
                + " cannot be sent: it holds characters a header cannot carry");
      }
    }
    return request.build();
  }

  /**
   * Resolves and checks the hop's host and port, and returns a client that connects to exactly the
   * checked addresses, within the time the deadline leaves. A refused destination fails at once:
   * retrying cannot make it allowed.
   */
  private OkHttpClient pinnedClient(HttpUrl url, URI uri, boolean apiOrigin, Deadline deadline) {
    Destination destination;
    try {
      destination = Destination.check(url.scheme(), url.host(), resolver, allowLoopbackHttp);
    } catch (RefusedDestinationException e) {
      throw DownloadException.refused(e.getMessage() + " (" + UrlPolicy.redacted(uri) + ")");
    } catch (UnknownHostException e) {
      throw DownloadException.retryable(
          "GET " + UrlPolicy.redacted(uri) + ": its host name does not resolve (DNS)");
    } catch (RuntimeException e) {
      throw DownloadException.retryable(
          "GET " + UrlPolicy.redacted(uri) + ": looking up its host name (DNS) failed");
    }
    Optional<String> refusedPort =
        portRefusal(url.port(), apiOrigin, destination, allowLoopbackHttp, allowedPorts);
    if (refusedPort.isPresent()) {
      throw DownloadException.refused(refusedPort.get() + " (" + UrlPolicy.redacted(uri) + ")");
    }
    List<InetAddress> checked = destination.addresses();
    Dns pinned =
        host -> {
          if (host.equalsIgnoreCase(destination.host())) {
            return checked;
          }
          throw new UnknownHostException("not the host that was checked");
        };
    OkHttpClient.Builder client = http.newBuilder().dns(pinned);
    deadline.remaining().ifPresent(left -> client.callTimeout(atLeastOneMilli(left)));
    return client.build();
  }

  private static Duration atLeastOneMilli(Duration left) {
    return left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left;
  }

  /**
   * The one place a request is sent. What the client throws never leaves here: its message could
   * quote a header (the API key), and its class name means nothing to the user, so the failure is
   * said in words ({@link TransportFailures}), from its type and how far the call had got.
   */
  private Response send(OkHttpClient client, Request request, URI uri, boolean apiOrigin) {
    StageListener stage = new StageListener();
    Call call = client.newBuilder().eventListener(stage).build().newCall(request);
    try {
      return call.execute();
    } catch (IOException | RuntimeException e) {
      String why = TransportFailures.beforeAnswer(e, stage.stage, CONNECT_TIMEOUT, responseTimeout);
      throw sendFailure(
          why, uri, apiOrigin, Thread.currentThread().isInterrupted(), call.isCanceled());
    }
  }

  /** How far a call got: the client says so through its events. */
  private static final class StageListener extends EventListener {
    private volatile TransportFailures.Stage stage = TransportFailures.Stage.UNKNOWN;

    @Override
    public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
      stage = TransportFailures.Stage.CONNECTING;
    }

    @Override
    public void secureConnectStart(Call call) {
      stage = TransportFailures.Stage.TLS;
    }

    @Override
    public void connectEnd(Call call, InetSocketAddress address, Proxy proxy, Protocol protocol) {
      stage = TransportFailures.Stage.WAITING;
    }

    @Override
    public void connectionAcquired(Call call, Connection connection) {
      stage = TransportFailures.Stage.WAITING;
    }
  }

  /** What a source is, for a reason: the provider's content endpoint, or the host a URL names. */
  static String sourceName(boolean apiOrigin) {
    return apiOrigin ? "the content endpoint" : "the video host";
  }

  // --- the decisions, apart from the loop ---

  /**
   * What a failed send means: an interrupt stops the download; a call cut off at the deadline, or
   * any other failure to get an answer, is worth a retry (in this invocation if time is left, else
   * in the next one).
   */
  static DownloadException sendFailure(
      String why, URI uri, boolean apiOrigin, boolean interrupted, boolean cutOffAtDeadline) {
    if (interrupted) {
      return DownloadException.permanent("interrupted while fetching " + UrlPolicy.redacted(uri));
    }
    String source = sourceName(apiOrigin) + " (" + UrlPolicy.redacted(uri) + ")";
    if (cutOffAtDeadline) {
      return DownloadException.retryable(
          "no answer from " + source + " before the invocation's deadline");
    }
    return DownloadException.retryable(source + ": " + why);
  }

  /**
   * The next hop after a response: empty for a 200 (this response holds the video), the resolved
   * {@code Location} of a redirect; any other status is a failure, retryable when the status says
   * so ({@link HttpStatus#isRetryable}).
   */
  static Optional<URI> followUp(int status, String location, URI uri) {
    return followUp(status, location, uri, false);
  }

  /** As {@link #followUp(int, String, URI)}, naming the source as {@link #sourceName} does. */
  static Optional<URI> followUp(int status, String location, URI uri, boolean apiOrigin) {
    if (status == 200) {
      return Optional.empty();
    }
    if (isRedirect(status)) {
      if (location == null) {
        throw DownloadException.permanent(
            "HTTP " + status + " without Location from " + UrlPolicy.redacted(uri));
      }
      return Optional.of(resolve(uri, location));
    }
    String message =
        "HTTP " + status + " from " + sourceName(apiOrigin) + " (" + UrlPolicy.redacted(uri) + ")";
    throw HttpStatus.isRetryable(status)
        ? DownloadException.retryable(message)
        : DownloadException.permanent(message);
  }

  static boolean isRedirect(int status) {
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

  /**
   * Why a port may not be fetched, if it may not: only the ports allowed on every host (443, and
   * any configured), the API base's own port at the API's origin ({@code apiOrigin}: its port is
   * the origin's), and any port of a loopback host in local mode. A configured API port is not a
   * port for every host: an unsigned URL on it, elsewhere, is refused.
   */
  static Optional<String> portRefusal(
      int port,
      boolean apiOrigin,
      Destination destination,
      boolean allowLoopbackHttp,
      Set<Integer> allowedPorts) {
    if (apiOrigin || allowedPorts.contains(port)) {
      return Optional.empty();
    }
    boolean loopback = destination.addresses().stream().allMatch(AddressPolicy::isLoopback);
    if (allowLoopbackHttp && loopback) {
      return Optional.empty();
    }
    return Optional.of(
        "refused port "
            + port
            + " of "
            + destination.host()
            + ": only port "
            + HTTPS_PORT
            + ", a configured port or the API's own is fetched");
  }

  /**
   * The declared length: -1 when none is declared (or it is not a number, as before: the body
   * decides), a failure when it is negative, which no body can have.
   */
  static long contentLength(String header, URI uri) {
    if (header == null) {
      return -1;
    }
    long declared;
    try {
      declared = Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
    if (declared < 0) {
      throw DownloadException.permanent(
          "Content-Length " + declared + " from " + UrlPolicy.redacted(uri) + ": not a length");
    }
    return declared;
  }

  /**
   * Closes a response that is not used; a body the client cannot even discard (a negative
   * Content-Length) must not hide the reason it is refused.
   */
  private static void closeQuietly(Response response) {
    try {
      response.close();
    } catch (RuntimeException unreadable) {
      // the connection is dropped either way
    }
  }

  private static HttpUrl httpUrl(URI uri) {
    HttpUrl url = HttpUrl.parse(uri.toString());
    if (url == null) {
      throw DownloadException.refused(
          "refused to fetch " + UrlPolicy.redacted(uri) + ": only https, or http in local mode");
    }
    return url;
  }
}
