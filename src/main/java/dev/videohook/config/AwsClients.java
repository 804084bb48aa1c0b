package dev.videohook.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The one factory of AWS clients: each built once, at init, on the lightweight URL-connection HTTP
 * client (no Netty, no Apache client in the artifact). An endpoint override points a client at the
 * local stack's emulators.
 */
public final class AwsClients {
  /** Keeps a delivery's answer well inside API Gateway's 30 s integration timeout. */
  private static final Duration DYNAMODB_CALL_TIMEOUT = Duration.ofSeconds(10);

  /** A secret is read before the DynamoDB write: both together stay under the function timeout. */
  private static final Duration SECRETS_CALL_TIMEOUT = Duration.ofSeconds(5);

  /** Small requests: a stalled connection is given up quickly and retried by the SDK. */
  private static final Duration API_SOCKET_TIMEOUT = Duration.ofSeconds(5);

  /** An upload part of several MiB on a busy link needs longer than a small API call. */
  private static final Duration S3_SOCKET_TIMEOUT = Duration.ofSeconds(30);

  private AwsClients() {}

  private static SdkHttpClient httpClient(Duration socketTimeout) {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(2))
        .socketTimeout(socketTimeout)
        .build();
  }

  public static DynamoDbClient dynamoDb(SharedConfig shared) {
    var builder =
        DynamoDbClient.builder()
            .httpClient(httpClient(API_SOCKET_TIMEOUT))
            .region(shared.region())
            .credentialsProvider(credentials(shared.dynamoDbEndpoint()))
            .overrideConfiguration(c -> c.apiCallTimeout(DYNAMODB_CALL_TIMEOUT));
    shared.dynamoDbEndpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /**
   * S3 with checksums only where S3 requires them (the downloader hashes every byte itself; the
   * SDK's default trailing checksums would wrap each part in aws-chunked encoding for nothing, and
   * S3Proxy, the emulator once used, refused them), path-style addressing against an endpoint
   * override.
   */
  public static S3Client s3(SharedConfig shared) {
    var builder =
        S3Client.builder()
            .httpClient(httpClient(S3_SOCKET_TIMEOUT))
            .region(shared.region())
            .credentialsProvider(credentials(shared.s3Endpoint()))
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    shared.s3Endpoint().ifPresent(uri -> builder.endpointOverride(uri).forcePathStyle(true));
    return builder.build();
  }

  /**
   * EventBridge, for the downstream events (the local stack builds its own, on moto's endpoint).
   */
  public static EventBridgeClient eventBridge(SharedConfig shared) {
    return EventBridgeClient.builder()
        .httpClient(httpClient(API_SOCKET_TIMEOUT))
        .region(shared.region())
        .credentialsProvider(credentials(Optional.empty()))
        .build();
  }

  /**
   * Presigned S3 URLs for the command line (and the local jobs page): signs locally, calls nothing;
   * path-style against an endpoint override, as {@link #s3} addresses it.
   */
  public static S3Presigner s3Presigner(SharedConfig shared) {
    var builder =
        S3Presigner.builder()
            .region(shared.region())
            .credentialsProvider(credentials(shared.s3Endpoint()));
    shared
        .s3Endpoint()
        .ifPresent(
            uri ->
                builder
                    .endpointOverride(uri)
                    .serviceConfiguration(
                        S3Configuration.builder().pathStyleAccessEnabled(true).build()));
    return builder.build();
  }

  /** Secrets Manager in AWS (the local stack builds its own, on moto's endpoint). */
  public static SecretsManagerClient secretsManager(Region region) {
    return SecretsManagerClient.builder()
        .httpClient(httpClient(API_SOCKET_TIMEOUT))
        .region(region)
        .credentialsProvider(credentials(Optional.empty()))
        .overrideConfiguration(c -> c.apiCallTimeout(SECRETS_CALL_TIMEOUT))
        .build();
  }

  /**
   * On Lambda the credentials are in the environment, and reading them there is the fastest start;
   * but Lambda sets no AWS_ACCESS_KEY_ID in a SnapStart function, which gets them from the
   * container credentials endpoint instead. Against a local emulator any static pair will do.
   */
  /** Set by Lambda where credentials come from the container endpoint (SnapStart). */
  private static final String CONTAINER_CREDENTIALS_FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI";

  public static AwsCredentialsProvider credentials(Optional<URI> endpoint) {
    if (endpoint.isPresent()) {
      // an endpoint override is the local stack's emulator: never send it real credentials
      return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }
    Settings settings = new Settings(System.getenv());
    if (SharedConfig.onLambda(settings)) {
      return settings.optional(CONTAINER_CREDENTIALS_FULL_URI).isPresent()
          ? ContainerCredentialsProvider.builder().build()
          : EnvironmentVariableCredentialsProvider.create();
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
