package dev.videohook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** The SDK failures that are a setup mistake, each as one line naming what to set. */
class SetupProblemsTest {
  @Test
  void missingCredentials_areOneLine_namingTheVariables_notTheProviderChain() {
    SdkClientException chain =
        SdkClientException.create(
            "Unable to load credentials from any of the providers in the chain"
                + " AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentialsProvider(),"
                + " EnvironmentVariableCredentialsProvider(), ...]) : [SystemPropertyCredentialsProvider():"
                + " Unable to load credentials from system settings. ...]");

    String line = SetupProblems.describe(chain).orElseThrow();

    assertTrue(line.contains("AWS_PROFILE") && line.contains("DYNAMODB_ENDPOINT"), line);
    assertFalse(line.contains("Provider"), line);
    assertEquals(1, line.lines().count());
  }

  @Test
  void aRefusedConnection_namesTheEndpointVariables() {
    SdkClientException refused =
        SdkClientException.builder()
            .message("Unable to execute HTTP request: Connection refused")
            .cause(new ConnectException("Connection refused"))
            .build();

    String line = SetupProblems.describe(refused).orElseThrow();

    assertTrue(line.contains("DYNAMODB_ENDPOINT") && line.contains("S3_ENDPOINT"), line);
  }

  @Test
  void aMissingTable_namesJobsTable() {
    String line =
        SetupProblems.describe(ResourceNotFoundException.builder().message("not found").build())
            .orElseThrow();

    assertTrue(line.startsWith("JOBS_TABLE"), line);
  }

  @Test
  void anythingElse_isLeftToTheCaller() {
    assertEquals(Optional.empty(), SetupProblems.describe(new IllegalStateException("x")));
  }
}
