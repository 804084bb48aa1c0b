package dev.videohook.local;

import java.net.URI;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * S3 on a loopback port: moto's S3, in a moto process of its own ({@link MotoServer.Role#S3}), so
 * that large part uploads never hold up the stack's DynamoDB calls behind the launcher's one lock.
 * moto's S3, not S3Proxy: moto honours S3's conditional write ({@code If-None-Match: *} on
 * PutObject and CompleteMultipartUpload answers 412 when the key exists), which the downloader's
 * write-once objects rely on; S3Proxy 2.6 ignores it and overwrites (gaul/s3proxy#627). Objects
 * live as long as the process: moto keeps small ones in memory and large ones in temporary files.
 * For an S3 outage, cut a {@code TcpProxy} in front of {@link #endpoint()}; a restart loses
 * everything.
 */
public final class LocalS3 implements AutoCloseable {
  private final MotoServer moto;
  private final S3Client client;

  private LocalS3(MotoServer moto) {
    this.moto = moto;
    this.client = client(moto.endpoint());
  }

  /** On a free loopback port. */
  public static LocalS3 start() {
    return start("127.0.0.1", 0);
  }

  /**
   * On {@code bindAddress:port} ({@code 0.0.0.0} for every interface; port 0 for a free one);
   * {@link #endpoint()} names the port on loopback.
   *
   * @throws MotoServer.MotoException naming what to do when moto cannot start
   */
  public static LocalS3 start(String bindAddress, int port) {
    return start(System.getenv(), bindAddress, port);
  }

  /** As {@link #start(String, int)}, the interpreter found through {@code environment}. */
  public static LocalS3 start(Map<String, String> environment, String bindAddress, int port) {
    return new LocalS3(MotoServer.start(environment, bindAddress, port, MotoServer.Role.S3));
  }

  public URI endpoint() {
    return moto.endpoint();
  }

  /** The moto process that serves this S3. */
  public MotoServer server() {
    return moto;
  }

  public S3Client client() {
    return client;
  }

  /**
   * A client of the S3 at {@code endpoint}: path style (no bucket host names on loopback), and
   * checksums only where an operation requires them, as the functions' own S3 client ({@link
   * dev.videohook.config.AwsClients#s3}).
   */
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

  /** Presigned URLs against this S3 (path style), for the local jobs page. */
  public S3Presigner presigner() {
    return S3Presigner.builder()
        .endpointOverride(endpoint())
        .region(MotoServer.REGION)
        .credentialsProvider(MotoServer.CREDENTIALS)
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .build();
  }

  public void createBucket(String bucket) {
    client.createBucket(b -> b.bucket(bucket));
  }

  /** Every object in the bucket. */
  public List<S3Object> objects(String bucket) {
    return client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().toList();
  }

  public List<MultipartUpload> multipartUploads(String bucket) {
    return client.listMultipartUploads(b -> b.bucket(bucket)).uploads();
  }

  @Override
  public void close() {
    client.close();
    moto.close();
  }
}
