package dev.videohook.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.config.ConfigurationException;
import dev.videohook.provider.Provider;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DownloadConfigTest {
  private static final Map<String, String> MINIMAL =
      Map.of("JOBS_TABLE", "jobs", "VIDEO_BUCKET", "videos");

  @Test
  void fromEnvironment_shouldNameEveryMissingOrInvalidSetting_inOneError() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () ->
                DownloadConfig.fromEnvironment(
                    Map.of("DOWNLOAD_MAX_BYTES", "lots", "S3_ENDPOINT", "nowhere")));

    assertEquals(4, e.problems().size(), e.getMessage());
    for (String name : Set.of("JOBS_TABLE", "VIDEO_BUCKET", "DOWNLOAD_MAX_BYTES", "S3_ENDPOINT")) {
      assertTrue(e.getMessage().contains(name), name);
    }
  }

  @Test
  void fromEnvironment_shouldUseDefaults_whenOnlyTheRequiredSettingsAreSet() {
    DownloadConfig config = DownloadConfig.fromEnvironment(MINIMAL);

    assertEquals("jobs", config.shared().tableName());
    assertEquals("videos", config.bucket());
    assertFalse(config.allowLoopbackHttp());
    assertEquals(DownloadConfig.DEFAULT_MAX_BYTES, config.maxBytes());
    assertEquals(Provider.MODELGATES.defaultApiBase(), config.apiBase(Provider.MODELGATES));
    assertTrue(config.shared().s3Endpoint().isEmpty());
  }

  @Test
  void fromEnvironment_shouldRefuseAPlainHttpApiBase_unlessLoopbackInLocalMode() {
    var env = new HashMap<>(MINIMAL);
    env.put("OPENROUTER_API_BASE", "http://127.0.0.1:9000/api/v1");
    assertThrows(ConfigurationException.class, () -> DownloadConfig.fromEnvironment(env));

    env.put("DOWNLOAD_ALLOW_LOOPBACK_HTTP", "true");
    assertEquals(
        URI.create("http://127.0.0.1:9000/api/v1"),
        DownloadConfig.fromEnvironment(env).apiBase(Provider.OPENROUTER));
  }

  @Test
  void fromEnvironment_shouldRefuseLocalMode_insideLambda_namingTheSetting() {
    var env = new HashMap<>(MINIMAL);
    env.put("DOWNLOAD_ALLOW_LOOPBACK_HTTP", "true");
    env.put("AWS_LAMBDA_FUNCTION_NAME", "videohook-DownloadFunction-abc");

    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> DownloadConfig.fromEnvironment(env));
    assertEquals(1, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("DOWNLOAD_ALLOW_LOOPBACK_HTTP"), e.getMessage());

    env.put("AWS_SAM_LOCAL", "true"); // sam local invoke's container: not AWS
    assertTrue(DownloadConfig.fromEnvironment(env).allowLoopbackHttp());
    env.remove("AWS_SAM_LOCAL");
    env.put("DOWNLOAD_ALLOW_LOOPBACK_HTTP", "false");
    assertFalse(DownloadConfig.fromEnvironment(env).allowLoopbackHttp());
  }

  @Test
  void fromEnvironment_shouldRefuseAMaxSizeThatTenThousandPartsCannotHold() {
    var env = new HashMap<>(MINIMAL);
    env.put("DOWNLOAD_MAX_BYTES", Long.toString(DownloadConfig.MAX_MAX_BYTES + 1));

    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> DownloadConfig.fromEnvironment(env));
    assertTrue(e.getMessage().contains("DOWNLOAD_MAX_BYTES must be at most"), e.getMessage());
    assertTrue(e.getMessage().contains("10000 parts"), e.getMessage());

    env.put("DOWNLOAD_MAX_BYTES", Long.toString(DownloadConfig.MAX_MAX_BYTES));
    assertEquals(DownloadConfig.MAX_MAX_BYTES, DownloadConfig.fromEnvironment(env).maxBytes());
  }

  @Test
  void environment_shouldListEverySettingAndApiKey_butNoWebhookSecret() {
    assertEquals(
        Set.of(
            "JOBS_TABLE",
            "VIDEO_BUCKET",
            "AWS_REGION",
            "DYNAMODB_ENDPOINT",
            "VIDEOHOOK_STACK",
            "S3_ENDPOINT",
            "DOWNLOAD_ALLOW_LOOPBACK_HTTP",
            "DOWNLOAD_MAX_BYTES",
            "DOWNLOAD_RETRY_ATTEMPTS",
            "AWS_LAMBDA_FUNCTION_NAME",
            "AWS_SAM_LOCAL",
            "OPENROUTER_API_BASE",
            "MODELGATES_API_BASE",
            "OPENROUTER_API_KEY",
            "MODELGATES_API_KEY",
            "TENANT_SECRETS_PREFIX",
            "TENANT_SECRETS_CACHE_SECONDS"),
        DownloadHandler.ENVIRONMENT);
  }

  @Test
  void
      secretsSettings_shouldHandTheSecretsSourceApiKeysAndSecretsManagerSettings_butNoSigningSecret() {
    Map<String, String> keys =
        DownloadConfig.secretsSettings(
            Map.of(
                "OPENROUTER_API_KEY", "k",
                "OPENROUTER_WEBHOOK_SECRET", "s",
                "MODELGATES_WEBHOOK_SECRET_PREVIOUS", "p",
                "TENANT_SECRETS_PREFIX", "videohook",
                "JOBS_TABLE", "t"));

    assertEquals(Map.of("OPENROUTER_API_KEY", "k", "TENANT_SECRETS_PREFIX", "videohook"), keys);
  }
}
