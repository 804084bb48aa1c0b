package dev.videohook.download;

import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderClient;
import dev.videohook.secrets.TenantSecrets;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

  /** The job's sources, in output order. */
  List<URI> of(CompletedJob job) {
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

  /** The job's output count, from {@code GET {apiBase}/videos/{id}} with the tenant's key. */
  private int outputCount(CompletedJob job) {
    try {
      return new ProviderClient(job.provider(), apiBase(job.provider()), apiKey(job), providerHttp)
          .status(job.jobId())
          .outputCount();
    } catch (ProviderApiException e) {
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

  /** Every configured API base, whose ports are fetched as configured. */
  Iterable<URI> configuredApiBases() {
    return apiBases.values();
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
