package dev.videohook.local;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * S3Proxy on a free loopback port: the real S3 protocol, no AWS. The transient store keeps objects
 * in this JVM's heap; the filesystem store keeps them under a directory, for large ones.
 */
public final class LocalS3 implements AutoCloseable {
  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final URI endpoint;
  private final S3Client client;

  private LocalS3(S3Proxy proxy, BlobStoreContext context, URI endpoint) {
    this.proxy = proxy;
    this.context = context;
    this.endpoint = endpoint;
    this.client = client(endpoint);
  }

  /** Objects in memory: for small ones. */
  public static LocalS3 start() {
    return start("transient", new Properties());
  }

  /** Objects under {@code directory}: for large ones. */
  public static LocalS3 startOnDisk(Path directory) {
    return startOnDisk(directory, LoopbackPort.free());
  }

  /**
   * Objects under {@code directory}, on a given loopback port: stopped and started again on the
   * same directory and port, it serves what was stored before, as S3 would after an outage.
   */
  public static LocalS3 startOnDisk(Path directory, int port) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + directory, e);
    }
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", directory.toAbsolutePath().toString());
    return start("filesystem-nio2", properties, "127.0.0.1", port);
  }

  /**
   * Objects in memory, served on {@code bindAddress:port} ({@code 0.0.0.0} for every interface);
   * {@link #endpoint()} names the port on loopback.
   */
  public static LocalS3 start(String bindAddress, int port) {
    return start("transient", new Properties(), bindAddress, port);
  }

  private static LocalS3 start(String provider, Properties properties) {
    return start(provider, properties, "127.0.0.1", LoopbackPort.free());
  }

  private static LocalS3 start(
      String provider, Properties properties, String bindAddress, int port) {
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    BlobStoreContext context =
        ContextBuilder.newBuilder(provider)
            .credentials("identity", "credential")
            .overrides(properties)
            .build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://" + bindAddress + ":" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "local", "local")
            .ignoreUnknownHeaders(true)
            .build();
    try {
      proxy.start();
      while (!"STARTED".equals(proxy.getState())) {
        if ("FAILED".equals(proxy.getState())) {
          throw new IllegalStateException("S3Proxy failed to start");
        }
        Thread.sleep(5);
      }
    } catch (Exception e) {
      context.close();
      throw new IllegalStateException("S3Proxy did not start on port " + port, e);
    }
    return new LocalS3(proxy, context, endpoint);
  }

  public URI endpoint() {
    return endpoint;
  }

  public S3Client client() {
    return client;
  }

  /** The settings S3Proxy 2.6 needs: path style, checksums only where required. */
  public static S3Client client(URI endpoint) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(MotoServer.REGION)
        .credentialsProvider(MotoServer.CREDENTIALS)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /** Presigned URLs against this S3Proxy (path style), for the local jobs page. */
  public S3Presigner presigner() {
    return S3Presigner.builder()
        .endpointOverride(endpoint)
        .region(MotoServer.REGION)
        .credentialsProvider(MotoServer.CREDENTIALS)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .build();
  }

  public void createBucket(String bucket) {
    client.createBucket(b -> b.bucket(bucket));
  }

  /** Every object in the bucket, incomplete-upload stubs included. */
  public List<S3Object> objects(String bucket) {
    return client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().toList();
  }

  public List<MultipartUpload> multipartUploads(String bucket) {
    return client.listMultipartUploads(b -> b.bucket(bucket)).uploads();
  }

  @Override
  public void close() {
    client.close();
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not stop", e);
    } finally {
      context.close();
    }
  }
}
