package dev.videohook.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.config.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceiverConfigTest {

  @Test
  void fromEnvironment_appliesDefaults_whenOnlyTheTableIsSet() {
    ReceiverConfig config = ReceiverConfig.fromEnvironment(Map.of("JOBS_TABLE", "jobs"));

    assertEquals("jobs", config.tableName());
    assertEquals(Duration.ofSeconds(300), config.tolerance());
    assertEquals(65536, config.maxBodyBytes());
    assertEquals(Duration.ofDays(30), config.deliveryTtl());
    assertTrue(config.shared().dynamoDbEndpoint().isEmpty());
  }

  @Test
  void fromEnvironment_readsEveryOverride() {
    ReceiverConfig config =
        ReceiverConfig.fromEnvironment(
            Map.of(
                "JOBS_TABLE", "jobs",
                "WEBHOOK_TOLERANCE_SECONDS", "60",
                "WEBHOOK_MAX_BODY_BYTES", "1024",
                "DELIVERY_TTL_DAYS", "7",
                "DYNAMODB_ENDPOINT", "http://127.0.0.1:8000"));

    assertEquals(Duration.ofSeconds(60), config.tolerance());
    assertEquals(1024, config.maxBodyBytes());
    assertEquals(Duration.ofDays(7), config.deliveryTtl());
    assertEquals(
        URI.create("http://127.0.0.1:8000"), config.shared().dynamoDbEndpoint().orElseThrow());
  }

  @Test
  void fromEnvironment_namesEveryMissingOrInvalidSetting_inOneError() {
    ConfigurationException error =
        assertThrows(
            ConfigurationException.class,
            () ->
                ReceiverConfig.fromEnvironment(
                    Map.of(
                        "WEBHOOK_TOLERANCE_SECONDS", "five minutes",
                        "WEBHOOK_MAX_BODY_BYTES", "-1",
                        "DYNAMODB_ENDPOINT", "localhost")));

    assertEquals(4, error.problems().size(), error.getMessage());
    assertTrue(error.getMessage().contains("JOBS_TABLE is not set"));
    assertTrue(
        error
            .getMessage()
            .contains(
                "WEBHOOK_TOLERANCE_SECONDS must be a positive whole number, got 'five minutes'"));
    assertTrue(error.getMessage().contains("WEBHOOK_MAX_BODY_BYTES"));
    assertTrue(error.getMessage().contains("DYNAMODB_ENDPOINT must be an absolute URL"));
  }

  @Test
  void fromEnvironment_refusesABodyCapAboveWhatOneDynamoDbItemHolds() {
    ConfigurationException error =
        assertThrows(
            ConfigurationException.class,
            () ->
                ReceiverConfig.fromEnvironment(
                    Map.of("JOBS_TABLE", "jobs", "WEBHOOK_MAX_BODY_BYTES", "400001")));

    assertTrue(error.getMessage().contains("at most 400000"));
  }
}
