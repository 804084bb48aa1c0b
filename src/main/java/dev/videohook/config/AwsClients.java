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
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds AWS clients once, at init, with the lightweight URL-connection HTTP client. An endpoint
 * override points a client at the local stack's emulators.
 */
public final class AwsClients {
  /** Set by Lambda itself; read by every client builder. */
  public static final String AWS_REGION = "AWS_REGION";

  /** Keeps a delivery's answer well inside API Gateway's 30 s integration timeout. */
  private static final Duration DYNAMODB_CALL_TIMEOUT = Duration.ofSeconds(10);

  /** A secret is read before the DynamoDB write: both together stay under the function timeout. */
  private static final Duration SECRETS_CALL_TIMEOUT = Duration.ofSeconds(5);

  private AwsClients() {}

  public static SdkHttpClient httpClient() {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(2))
        .socketTimeout(Duration.ofSeconds(5))
        .build();
  }

  public static DynamoDbClient dynamoDb(Region region, Optional<URI> endpoint) {
    var builder =
        DynamoDbClient.builder()
            .httpClient(httpClient())
            .region(region)
            .credentialsProvider(credentials(endpoint))
            .overrideConfiguration(c -> c.apiCallTimeout(DYNAMODB_CALL_TIMEOUT));
    endpoint.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /**
   * Secrets Manager in AWS (there is no local emulator: the local stack uses plain env secrets).
   */
  public static SecretsManagerClient secretsManager(Region region) {
    return SecretsManagerClient.builder()
        .httpClient(httpClient())
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
  public static AwsCredentialsProvider credentials(Optional<URI> endpoint) {
    if (endpoint.isPresent()) {
      // an endpoint override is the local stack's emulator: never send it real credentials
      return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }
    if (System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null) {
      return System.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != null
          ? ContainerCredentialsProvider.builder().build()
          : EnvironmentVariableCredentialsProvider.create();
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
