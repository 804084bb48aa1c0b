package dev.videohook.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Builds AWS clients once, at init, with the lightweight URL-connection HTTP client. An endpoint
 * override points a client at the local stack's emulators.
 */
public final class AwsClients {
  /** Keeps a delivery's answer well inside API Gateway's 30 s integration timeout. */
  private static final Duration DYNAMODB_CALL_TIMEOUT = Duration.ofSeconds(10);

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
   * On Lambda the credentials are in the environment, and reading them there is the fastest
   * start. Against a local emulator any static pair will do.
   */
  public static AwsCredentialsProvider credentials(Optional<URI> endpoint) {
    if (endpoint.isPresent() && System.getenv("AWS_ACCESS_KEY_ID") == null) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }
    if (System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null) {
      return EnvironmentVariableCredentialsProvider.create();
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
