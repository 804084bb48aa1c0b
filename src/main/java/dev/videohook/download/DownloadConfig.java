package dev.videohook.download;

import dev.videohook.config.LocalMode;
import dev.videohook.config.Settings;
import dev.videohook.config.SharedConfig;
import dev.videohook.provider.ApiBases;
import dev.videohook.provider.Provider;
import dev.videohook.secrets.TenantSecrets;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The downloader's settings, read once from the environment at init.
 *
 * @param shared the jobs table, region and local endpoints every function shares
 * @param bucket {@code VIDEO_BUCKET}
 * @param allowLoopbackHttp {@code DOWNLOAD_ALLOW_LOOPBACK_HTTP}: loopback sources (plain HTTP
 *     included), for the local stack only; default false, and refused inside Lambda ({@code
 *     AWS_LAMBDA_FUNCTION_NAME} set, unless {@code AWS_SAM_LOCAL} says it is SAM CLI's container)
 * @param maxBytes {@code DOWNLOAD_MAX_BYTES}, largest video accepted, default 5 GiB, at most {@link
 *     #MAX_MAX_BYTES} (10,000 parts)
 * @param apiBases {@code OPENROUTER_API_BASE} / {@code MODELGATES_API_BASE}, default each
 *     provider's public API base
 * @param streamRetryAttempts {@code DOWNLOAD_RETRY_ATTEMPTS}, the event source mapping's
 *     MaximumRetryAttempts (default 5): after that many retries plus the first attempt, the job is
 *     marked {@code download_failed}
 */
public record DownloadConfig(
    SharedConfig shared,
    String bucket,
    boolean allowLoopbackHttp,
    long maxBytes,
    Map<Provider, URI> apiBases,
    int streamRetryAttempts) {

  public static final String VIDEO_BUCKET = "VIDEO_BUCKET";

  /** The local stack's one switch, shared with the reconciler and the command line. */
  public static final String DOWNLOAD_ALLOW_LOOPBACK_HTTP = LocalMode.LOOPBACK_HTTP;

  public static final String DOWNLOAD_MAX_BYTES = "DOWNLOAD_MAX_BYTES";
  public static final String DOWNLOAD_RETRY_ATTEMPTS = "DOWNLOAD_RETRY_ATTEMPTS";

  /** Set by Lambda in every function: local mode is refused where it is set. */
  public static final String AWS_LAMBDA_FUNCTION_NAME = SharedConfig.AWS_LAMBDA_FUNCTION_NAME;

  /** Set by SAM CLI in {@code sam local invoke}'s container, which is not AWS. */
  public static final String AWS_SAM_LOCAL = LocalMode.AWS_SAM_LOCAL;

  /** S3's limit on the parts of one multipart upload. */
  public static final int MAX_PARTS = 10_000;

  /** The largest {@code DOWNLOAD_MAX_BYTES} the fixed part size can store: 10,000 parts. */
  public static final long MAX_MAX_BYTES = (long) MAX_PARTS * StreamingUploader.DEFAULT_PART_SIZE;

  public static final int DEFAULT_RETRY_ATTEMPTS = 5;

  public static final long DEFAULT_MAX_BYTES = 5L * 1024 * 1024 * 1024;

  /**
   * What the secrets source may read here: everything {@link TenantSecrets#fromEnvironment} reads
   * except the webhook signing secrets, which this function has no use for.
   */
  public static final Set<String> SECRETS_VARIABLES = TenantSecrets.API_KEY_ENVIRONMENT;

  /**
   * Every variable the download function reads, its collaborators included (the API keys and the
   * Secrets Manager settings, read by {@link TenantSecrets#fromEnvironment}).
   */
  public static final Set<String> ENVIRONMENT = environment();

  public DownloadConfig {
    apiBases = ApiBases.copyOf(apiBases);
  }

  /** Failed attempts after which a job is marked {@code download_failed}. */
  public int giveUpAfterAttempts() {
    return streamRetryAttempts + 1;
  }

  public URI apiBase(Provider provider) {
    return apiBases.get(provider);
  }

  /**
   * @throws dev.videohook.config.ConfigurationException naming every missing or invalid setting
   */
  public static DownloadConfig fromEnvironment(Map<String, String> env) {
    Settings settings = new Settings(env);
    SharedConfig shared = SharedConfig.read(settings);
    String bucket = settings.required(VIDEO_BUCKET, "the S3 bucket that receives the videos");
    boolean allowLoopbackHttp = LocalMode.loopbackHttp(settings);
    long maxBytes = settings.positiveLong(DOWNLOAD_MAX_BYTES, DEFAULT_MAX_BYTES);
    if (maxBytes > MAX_MAX_BYTES) {
      settings.problem(
          DOWNLOAD_MAX_BYTES
              + " must be at most "
              + MAX_MAX_BYTES
              + " ("
              + MAX_PARTS
              + " parts of "
              + StreamingUploader.DEFAULT_PART_SIZE
              + " bytes, S3's limit for one upload), got "
              + maxBytes);
    }
    long retries = settings.positiveLong(DOWNLOAD_RETRY_ATTEMPTS, DEFAULT_RETRY_ATTEMPTS);
    if (retries > 10_000) {
      settings.problem(
          DOWNLOAD_RETRY_ATTEMPTS
              + " must be at most 10000 (the event source mapping's limit), got "
              + retries);
    }
    Map<Provider, URI> apiBases =
        ApiBases.read(settings, allowLoopbackHttp, DOWNLOAD_ALLOW_LOOPBACK_HTTP);
    settings.check();
    return new DownloadConfig(shared, bucket, allowLoopbackHttp, maxBytes, apiBases, (int) retries);
  }

  /**
   * Only the {@link #SECRETS_VARIABLES} of {@code env}: no signing secret reaches this function.
   */
  public static Map<String, String> secretsSettings(Map<String, String> env) {
    return TenantSecrets.apiKeySettings(env);
  }

  private static Set<String> environment() {
    Set<String> names = new LinkedHashSet<>(SharedConfig.ENVIRONMENT);
    names.addAll(
        List.of(
            VIDEO_BUCKET,
            DOWNLOAD_ALLOW_LOOPBACK_HTTP,
            DOWNLOAD_MAX_BYTES,
            DOWNLOAD_RETRY_ATTEMPTS,
            AWS_LAMBDA_FUNCTION_NAME,
            AWS_SAM_LOCAL));
    names.addAll(ApiBases.ENVIRONMENT);
    names.addAll(SECRETS_VARIABLES);
    return Collections.unmodifiableSet(names);
  }
}
