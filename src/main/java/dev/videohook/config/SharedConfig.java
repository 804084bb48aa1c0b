package dev.videohook.config;

import java.net.URI;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.regions.Region;

/**
 * What every function, the command line and the local stack share: the jobs table, the region, and
 * the emulator endpoints the local stack points the clients at. Each function's configuration holds
 * one.
 *
 * @param tableName {@code JOBS_TABLE}
 * @param region {@code AWS_REGION} (set by Lambda), default us-east-1
 * @param dynamoDbEndpoint {@code DYNAMODB_ENDPOINT}, for the local stack
 * @param s3Endpoint {@code S3_ENDPOINT}, for the local stack (path-style addressing)
 */
public record SharedConfig(
    String tableName, Region region, Optional<URI> dynamoDbEndpoint, Optional<URI> s3Endpoint) {

  public static final String JOBS_TABLE = "JOBS_TABLE";
  public static final String AWS_REGION = "AWS_REGION";
  public static final String DYNAMODB_ENDPOINT = "DYNAMODB_ENDPOINT";
  public static final String S3_ENDPOINT = "S3_ENDPOINT";

  public static final Region DEFAULT_REGION = Region.US_EAST_1;

  /** Set by Lambda in every function's environment. */
  public static final String AWS_LAMBDA_FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME";

  /** Whether this process is a Lambda function ({@value #AWS_LAMBDA_FUNCTION_NAME} is set). */
  public static boolean onLambda(Settings settings) {
    return settings.optional(AWS_LAMBDA_FUNCTION_NAME).isPresent();
  }

  /** Every variable {@link #read} reads. */
  public static final Set<String> ENVIRONMENT =
      Set.of(JOBS_TABLE, AWS_REGION, DYNAMODB_ENDPOINT, S3_ENDPOINT);

  /** Reads the shared settings; problems are collected in {@code settings}. */
  public static SharedConfig read(Settings settings) {
    String table = settings.required(JOBS_TABLE, "the DynamoDB table that records jobs");
    return new SharedConfig(
        table, region(settings), settings.uri(DYNAMODB_ENDPOINT), settings.uri(S3_ENDPOINT));
  }

  /** {@code AWS_REGION}, default us-east-1. */
  public static Region region(Settings settings) {
    return settings.optional(AWS_REGION).map(Region::of).orElse(DEFAULT_REGION);
  }
}
