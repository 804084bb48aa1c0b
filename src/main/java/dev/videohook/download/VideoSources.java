package dev.videohook.download;

import dev.videohook.event.VideoEvent;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderClient;
import dev.videohook.retry.Deadline;
import dev.videohook.retry.RetryPolicy;
import dev.videohook.secrets.TenantSecrets;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a completed job's videos come from: every {@code unsigned_urls} entry, or, when there is
 * none, the provider's content endpoint {@code GET {apiBase}/videos/{id}/content?index=N} for each
 * output N the provider's status counts (asked on the shared provider HTTP client). Also the one
 * place that knows a provider's API origin and the tenant's key for it.
 */
final class VideoSources {
  private static final Logger LOG = LoggerFactory.getLogger(VideoSources.class);

  /**
   * The most outputs a job may have: as many as a webhook may name unsigned URLs ({@link
   * VideoEvent#MAX_URLS}), so that the stored job item, which lists every object, stays far below
   * DynamoDB's item size.
   */
  static final int MAX_OUTPUTS = VideoEvent.MAX_URLS;

  private final Map<Provider, URI> apiBases;
  private final TenantSecrets secrets;
  private final HttpClient providerHttp;
  private final RetryPolicy retry;

  VideoSources(
      Map<Provider, URI> apiBases,
      TenantSecrets secrets,
      HttpClient providerHttp,
      RetryPolicy retry) {
    this.apiBases = new EnumMap<>(Provider.class);
    this.apiBases.putAll(apiBases);
    this.secrets = secrets;
    this.providerHttp = providerHttp;
    this.retry = retry;
  }

  /** The job's sources, in output order, with no deadline (tests). */
  List<URI> of(CompletedJob job) {
    return of(job, Deadline.none());
  }

  /**
   * The job's sources, in output order; the provider's status call, when the job has no unsigned
   * URLs, ends by {@code deadline} (headers and body), its retries included.
   *
   * @throws DownloadException a {@link DownloadException#isDeadline deadline} when the status call
   *     ran out of the invocation's time; refused when the provider counts more outputs than a job
   *     may hold
   */
  List<URI> of(CompletedJob job, Deadline deadline) {
    if (job.unsignedUrls().isEmpty()) {
      // every output, index 0..n-1, the count from the provider's status
      int outputs = retry.run("status of " + job, () -> outputCount(job, deadline));
      List<URI> endpoints = new ArrayList<>(outputs);
      for (int index = 0; index < outputs; index++) {
        endpoints.add(contentEndpoint(job, index));
      }
      return endpoints;
    }
    List<URI> sources = new ArrayList<>();
    for (int index = 0; index < job.unsignedUrls().size(); index++) {
      sources.add(unsignedUrl(job, index));
    }
    return sources;
  }

  /**
   * The job's {@code index}th unsigned URL. One that is not a URL (a control character, a space, a
   * character no URI may hold) is refused: no retry can make it fetchable, so the job is marked
   * {@code download_failed} at the first try, with a reason that names what is wrong and where,
   * never the URL itself (its query may be a signature).
   */
  private static URI unsignedUrl(CompletedJob job, int index) {
    String url = job.unsignedUrls().get(index);
    try {
      return new URI(url);
    } catch (URISyntaxException e) {
      int at = e.getIndex();
      String character =
          at >= 0 && at < url.length()
              ? String.format(Locale.ROOT, " (U+%04X)", url.codePointAt(at))
              : "";
      throw DownloadException.refused(
          "refused unsigned URL #"
              + index
              + " of job "
              + job
              + ": not a URL, "
              + e.getReason().toLowerCase(Locale.ROOT)
              + (at >= 0 ? " at index " + at : "")
              + character);
    }
  }

  /**
   * The provider's signed storage URL for output {@code index} ({@code urls[index]}), if it gave
   * one that is an absolute URL: the fallback source when the first one fails.
   */
  static Optional<URI> signedUrl(CompletedJob job, int index) {
    if (index >= job.signedUrls().size()) {
      return Optional.empty();
    }
    try {
      URI uri = new URI(job.signedUrls().get(index));
      return uri.isAbsolute() && uri.getHost() != null ? Optional.of(uri) : Optional.empty();
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  /**
   * The job's output count, from {@code GET {apiBase}/videos/{id}} with the tenant's key, at most
   * {@link #MAX_OUTPUTS}.
   */
  private int outputCount(CompletedJob job, Deadline deadline) {
    DownloadException.checkDeadline(deadline, 0);
    int outputs;
    try {
      outputs =
          new ProviderClient(job.provider(), apiBase(job.provider()), apiKey(job), providerHttp)
              .status(job.jobId(), deadline)
              .outputCount();
    } catch (ProviderApiException e) {
      if (e.isTimeout() && deadline.passed()) {
        // the invocation's time is up: noted on the job as a deadline, the stream tries again
        throw DownloadException.deadline(
            "deadline: the provider's status of "
                + job
                + " did not come before the invocation would time out");
      }
      if (e.isRetryable()) {
        throw DownloadException.retryable("status of " + job + ": " + e.getMessage());
      }
      // the provider will not say (no status for this job): the first output is all we can name
      DownloadService.log(LOG.atWarn(), job)
          .addKeyValue("outcome", "output_count_unknown")
          .addKeyValue("statusCode", e.statusCode())
          .log("provider status unavailable: fetching output 0 only");
      return 1;
    }
    if (outputs > MAX_OUTPUTS) {
      // more objects than a job item can list: refused at once, never downloaded to be lost
      throw DownloadException.refused(
          "refused: the provider counts "
              + outputs
              + " outputs for job "
              + job
              + ", more than the "
              + MAX_OUTPUTS
              + " a job may hold");
    }
    return outputs;
  }

  /** {@code {apiBase}/videos/{id}/content?index=N}. */
  URI contentEndpoint(CompletedJob job, int index) {
    String base = apiBase(job.provider()).toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(
        base + "/videos/" + ObjectKeys.pathSegment(job.jobId()) + "/content?index=" + index);
  }

  /** The provider's API base: the configured one, else its public one. */
  URI apiBase(Provider provider) {
    URI base = apiBases.get(provider);
    return base != null ? base : provider.defaultApiBase();
  }

  /** The tenant's key for the job's provider; none is a permanent failure. */
  String apiKey(CompletedJob job) {
    return secrets
        .apiKey(job.tenant(), job.provider())
        .orElseThrow(
            () ->
                DownloadException.permanent(
                    "no API key for " + job.provider().id() + " (tenant " + job.tenant() + ")"));
  }
}
