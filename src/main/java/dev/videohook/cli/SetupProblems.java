package dev.videohook.cli;

import dev.videohook.config.SharedConfig;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * AWS SDK failures that are a setup mistake on this machine (no credentials, an emulator that is
 * not running, a table or bucket that is not there), as one line naming what to set, instead of the
 * SDK's own text (its credential-chain message runs to 1,500 characters). The commands check their
 * settings before they act; this catches what a check could not foresee.
 */
final class SetupProblems {
  static final String NO_CREDENTIALS =
      "no AWS credentials found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and"
          + " AWS_SECRET_ACCESS_KEY); for the local stack set "
          + SharedConfig.DYNAMODB_ENDPOINT
          + " and "
          + SharedConfig.S3_ENDPOINT
          + " instead";

  private SetupProblems() {}

  static Optional<String> describe(Throwable failure) {
    if (failure instanceof ResourceNotFoundException) {
      return Optional.of(
          SharedConfig.JOBS_TABLE
              + " names a table that does not exist here: check it (and "
              + SharedConfig.DYNAMODB_ENDPOINT
              + " or AWS_REGION)");
    }
    if (failure instanceof NoSuchBucketException) {
      return Optional.of(
          "the bucket does not exist here: check VIDEO_BUCKET (and "
              + SharedConfig.S3_ENDPOINT
              + " or AWS_REGION)");
    }
    if (!(failure instanceof SdkClientException)) {
      return Optional.empty();
    }
    String message = String.valueOf(failure.getMessage());
    if (message.startsWith("Unable to load credentials")) {
      return Optional.of(NO_CREDENTIALS);
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
        return Optional.of(
            "cannot connect to AWS ("
                + cause.getClass().getSimpleName()
                + "): check "
                + SharedConfig.DYNAMODB_ENDPOINT
                + " and "
                + SharedConfig.S3_ENDPOINT
                + " (is the local stack running?) or your network");
      }
    }
    return Optional.empty();
  }
}
