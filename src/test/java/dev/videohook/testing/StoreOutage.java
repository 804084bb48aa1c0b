package dev.videohook.testing;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A switch in front of a DynamoDB endpoint: while it is down, every call of the clients it built
 * fails as a network failure would, before reaching the emulator (which keeps every item: an
 * outage, not a loss).
 */
public final class StoreOutage implements ExecutionInterceptor {
  private volatile boolean down;

  public void down() {
    down = true;
  }

  public void up() {
    down = false;
  }

  public boolean isDown() {
    return down;
  }

  /** A client of {@code endpoint} that fails while this outage is on. */
  public DynamoDbClient client(URI endpoint, Region region, AwsCredentialsProvider credentials) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(region)
        .credentialsProvider(credentials)
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.addExecutionInterceptor(this))
        .build();
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (down) {
      throw SdkClientException.create("store outage: DynamoDB cannot be reached");
    }
  }
}
