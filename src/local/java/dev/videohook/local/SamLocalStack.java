package dev.videohook.local;

import dev.videohook.simulator.LoopbackHttpServers;
import com.fasterxml.jackson.jr.ob.JSON;
import com.sun.net.httpserver.HttpServer;
import dev.videohook.config.SharedConfig;
import dev.videohook.download.DownloadConfig;
import dev.videohook.notify.NotifyConfig;
import dev.videohook.provider.Provider;
import dev.videohook.secrets.SecretsManagerTenantSecrets;
import dev.videohook.simulator.VideoBytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code sam local invoke} needs from this machine: moto and moto's S3 on fixed ports
 * that the function's container can reach, the jobs table and the video bucket created, and a small
 * video host for the {@code *-local.json} sample events. {@link #envJson} is the {@code --env-vars}
 * file for both functions.
 */
public final class SamLocalStack implements AutoCloseable {
  public static final int DYNAMODB_PORT = 8000;
  public static final int S3_PORT = 8001;
  public static final int VIDEO_PORT = 8002;

  /** How a container on Docker's default network reaches this machine. */
  public static final String DOCKER_HOST = "host.docker.internal";

  /** The size of every video the video host serves, under {@code /videos/{jobId}/...}. */
  public static final long VIDEO_BYTES = 1024 * 1024;

  private final MotoServer dynamoDb;
  private final LocalS3 s3;
  private final HttpServer videos;

  private SamLocalStack(MotoServer dynamoDb, LocalS3 s3, HttpServer videos) {
    this.dynamoDb = dynamoDb;
    this.s3 = s3;
    this.videos = videos;
  }

  /**
   * Starts the emulators on {@link #DYNAMODB_PORT} and {@link #S3_PORT}, on every interface (a
   * container reaches them through the host's address, not its loopback), and the video host on
   * loopback port {@link #VIDEO_PORT}.
   */
  public static SamLocalStack start() throws IOException {
    MotoServer dynamoDb = MotoServer.start(System.getenv(), "0.0.0.0", DYNAMODB_PORT);
    LocalS3 s3 = null;
    try {
      dynamoDb.createJobTable(LocalVideohook.TABLE);
      s3 = LocalS3.start("0.0.0.0", S3_PORT);
      s3.createBucket(LocalVideohook.BUCKET);
      HttpServer videos = LoopbackHttpServers.create(VIDEO_PORT, 0);
      videos.createContext(
          "/videos/",
          exchange -> {
            String[] path = exchange.getRequestURI().getPath().split("/");
            String jobId = path.length > 2 ? path[2] : "";
            exchange.getResponseHeaders().set("Content-Type", "video/mp4");
            exchange.sendResponseHeaders(200, VIDEO_BYTES);
            try (InputStream in = VideoBytes.stream(jobId, VIDEO_BYTES);
                OutputStream out = exchange.getResponseBody()) {
              in.transferTo(out);
            }
          });
      videos.start();
      return new SamLocalStack(dynamoDb, s3, videos);
    } catch (IOException | RuntimeException e) {
      if (s3 != null) {
        s3.close();
      }
      dynamoDb.close();
      throw e;
    }
  }

  /**
   * The {@code --env-vars} file: per function logical id, the variables that point it at this
   * machine, the emulators reached as {@code http://{host}:port}. Only variables that template.yaml
   * declares for the function (sam local invoke ignores the others).
   */
  public static Map<String, Map<String, String>> envJson(String host) {
    String dynamoDbEndpoint = "http://" + host + ":" + DYNAMODB_PORT;
    Map<String, String> webhook = new TreeMap<>();
    webhook.put(SharedConfig.JOBS_TABLE, LocalVideohook.TABLE);
    webhook.put(SharedConfig.DYNAMODB_ENDPOINT, dynamoDbEndpoint);
    // no prefix: the signing secrets come from the variables below, not Secrets Manager
    webhook.put(SecretsManagerTenantSecrets.TENANT_SECRETS_PREFIX, "");
    for (Provider provider : Provider.values()) {
      webhook.put(provider.webhookSecretEnv(), LocalVideohook.DEFAULT_SECRET);
    }
    Map<String, String> download = new TreeMap<>();
    download.put(SharedConfig.JOBS_TABLE, LocalVideohook.TABLE);
    download.put(DownloadConfig.VIDEO_BUCKET, LocalVideohook.BUCKET);
    download.put(SharedConfig.DYNAMODB_ENDPOINT, dynamoDbEndpoint);
    download.put(SharedConfig.S3_ENDPOINT, "http://" + host + ":" + S3_PORT);
    download.put(SecretsManagerTenantSecrets.TENANT_SECRETS_PREFIX, "");
    // the local video host serves plain http on loopback: local mode only
    download.put(DownloadConfig.DOWNLOAD_ALLOW_LOOPBACK_HTTP, "true");
    // the reconciler reads API keys from the variables the template declares empty: set them to
    // run it against a provider
    Map<String, String> reconcile = new TreeMap<>();
    reconcile.put(SharedConfig.JOBS_TABLE, LocalVideohook.TABLE);
    reconcile.put(SharedConfig.DYNAMODB_ENDPOINT, dynamoDbEndpoint);
    reconcile.put(SecretsManagerTenantSecrets.TENANT_SECRETS_PREFIX, "");
    Map<String, Map<String, String>> env = new LinkedHashMap<>();
    env.put("WebhookFunction", webhook);
    // EventBridge has no local emulator: under sam local invoke the notify function would publish
    // to this bus in the account the shell's credentials name; the local stack records instead
    Map<String, String> notify = new TreeMap<>();
    notify.put(SharedConfig.JOBS_TABLE, LocalVideohook.TABLE);
    notify.put(NotifyConfig.EVENT_BUS_NAME, "default");
    env.put("DownloadFunction", download);
    env.put("ReconcileFunction", reconcile);
    env.put("NotifyFunction", notify);
    return env;
  }

  public static String envJsonText(String host) throws IOException {
    return JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(envJson(host));
  }

  public MotoServer dynamoDb() {
    return dynamoDb;
  }

  public LocalS3 s3() {
    return s3;
  }

  @Override
  public void close() {
    videos.stop(0);
    s3.close();
    dynamoDb.close();
  }
}
