package dev.videohook.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.provider.Provider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Parsing, caching and source selection. There is no Secrets Manager emulator on this machine, so
 * the client here is a small fake that answers GetSecretValue from a map; the real client's wire
 * behaviour is not tested here.
 */
class SecretsManagerTenantSecretsTest {
  private static final Duration TTL = Duration.ofMinutes(5);

  private final FakeSecretsManager secretsManager = new FakeSecretsManager();
  private final MutableClock clock = new MutableClock();
  private final SecretsManagerTenantSecrets secrets =
      new SecretsManagerTenantSecrets(secretsManager, "videohook", TTL, clock);

  @Test
  void webhookSecrets_shouldBeCurrentThenPrevious_whenRotating() {
    secretsManager.put(
        "videohook/acme/openrouter/webhook",
        "{\"webhook_secret\":\"new\",\"webhook_secret_previous\":\"old\"}");
    secretsManager.put("videohook/acme/openrouter/api-key", "{\"api_key\":\"sk-or\"}");

    assertEquals(List.of("new", "old"), secrets.webhookSecrets("acme", Provider.OPENROUTER));
    assertEquals(Optional.of("sk-or"), secrets.apiKey("acme", Provider.OPENROUTER));
  }

  @Test
  void signingSecretsAndApiKey_shouldComeFromTheirOwnSecrets_eachReadOnlyWhenAskedFor() {
    // an API key left in the signing secret (the old single-secret layout) is not used
    secretsManager.put(
        "videohook/acme/openrouter/webhook", "{\"webhook_secret\":\"s\",\"api_key\":\"sk-old\"}");

    assertEquals(List.of("s"), secrets.webhookSecrets("acme", Provider.OPENROUTER));
    assertEquals(List.of("videohook/acme/openrouter/webhook"), secretsManager.calls);
    assertEquals(Optional.empty(), secrets.apiKey("acme", Provider.OPENROUTER));
    assertEquals(
        List.of("videohook/acme/openrouter/webhook", "videohook/acme/openrouter/api-key"),
        secretsManager.calls);
  }

  @Test
  void secrets_shouldBeReadPerTenantAndProvider() {
    secretsManager.put("videohook/acme/modelgates/webhook", "{\"webhook_secret\":\"mg\"}");

    assertEquals(List.of("mg"), secrets.webhookSecrets("acme", Provider.MODELGATES));
    assertEquals(Optional.empty(), secrets.apiKey("acme", Provider.MODELGATES));
    assertEquals(List.of(), secrets.webhookSecrets("acme", Provider.OPENROUTER));
    assertEquals(List.of(), secrets.webhookSecrets("globex", Provider.MODELGATES));
  }

  @Test
  void secret_shouldBeReadOncePerTtl() {
    secretsManager.put("videohook/acme/openrouter/webhook", "{\"webhook_secret\":\"v1\"}");
    secrets.webhookSecrets("acme", Provider.OPENROUTER);
    secretsManager.put("videohook/acme/openrouter/webhook", "{\"webhook_secret\":\"v2\"}");

    assertEquals(List.of("v1"), secrets.webhookSecrets("acme", Provider.OPENROUTER));
    clock.advance(TTL);
    assertEquals(List.of("v2"), secrets.webhookSecrets("acme", Provider.OPENROUTER));
    assertEquals(2, secretsManager.calls.size());
  }

  @Test
  void missingSecret_shouldBeEmptyAndCached() {
    assertEquals(List.of(), secrets.webhookSecrets("acme", Provider.OPENROUTER));
    assertEquals(List.of(), secrets.webhookSecrets("acme", Provider.OPENROUTER));
    assertEquals(1, secretsManager.calls.size());
  }

  @Test
  void failedCall_shouldKeepTheLastValue_andRetryNextTime() {
    secretsManager.put("videohook/acme/openrouter/webhook", "{\"webhook_secret\":\"v1\"}");
    secrets.webhookSecrets("acme", Provider.OPENROUTER);
    clock.advance(TTL);
    secretsManager.failing = true;

    assertEquals(List.of("v1"), secrets.webhookSecrets("acme", Provider.OPENROUTER));
    assertEquals(List.of("v1"), secrets.webhookSecrets("acme", Provider.OPENROUTER));
    assertEquals(3, secretsManager.calls.size());
  }

  @Test
  void failedCall_shouldBeRetryable_forAnApiKeyNeverReadBefore() {
    secretsManager.failing = true;
    assertThrows(
        SecretsUnavailableException.class, () -> secrets.apiKey("acme", Provider.OPENROUTER));
  }

  @Test
  void failedCall_shouldBeEmpty_whenNothingWasReadBefore() {
    secretsManager.failing = true;
    assertEquals(List.of(), secrets.webhookSecrets("acme", Provider.OPENROUTER));
  }

  @Test
  void parse_shouldIgnoreWhatIsNotAUsableSecret() {
    assertEquals(List.of(), SecretsManagerTenantSecrets.parse("not json").webhookSecrets());
    assertEquals(
        List.of(), SecretsManagerTenantSecrets.parse("{\"webhook_secret\":\"\"}").webhookSecrets());
    assertEquals(
        List.of(), SecretsManagerTenantSecrets.parse("{\"webhook_secret\":42}").webhookSecrets());
    assertEquals(
        List.of(),
        SecretsManagerTenantSecrets.parse("{\"webhook_secret_previous\":\"old\"}")
            .webhookSecrets());
    assertEquals(List.of(), SecretsManagerTenantSecrets.parse(null).webhookSecrets());
  }

  @Test
  void entry_shouldNeverPrintSecretValues() {
    String printed =
        SecretsManagerTenantSecrets.parse("{\"webhook_secret\":\"s3cr3t\",\"api_key\":\"k3y\"}")
            .toString();
    assertTrue(!printed.contains("s3cr3t") && !printed.contains("k3y"), printed);
  }

  @Test
  void tenant_shouldNotBeLookedUp_whenNoSecretCanHaveItsName() {
    assertEquals(List.of(), secrets.webhookSecrets("$default", Provider.OPENROUTER));
    assertEquals(List.of(), secrets.webhookSecrets("../other", Provider.OPENROUTER));
    assertEquals(List.of(), secretsManager.calls);
  }

  @Test
  void fromEnvironment_shouldChooseSecretsManager_whenAPrefixIsSet() {
    Map<String, String> env = new HashMap<>();
    env.put("OPENROUTER_WEBHOOK_SECRET", "plain");
    assertInstanceOf(EnvironmentTenantSecrets.class, TenantSecrets.fromEnvironment(env));

    env.put(SecretsManagerTenantSecrets.TENANT_SECRETS_PREFIX, "videohook");
    env.put("AWS_REGION", "eu-west-1");
    assertInstanceOf(SecretsManagerTenantSecrets.class, TenantSecrets.fromEnvironment(env));
  }

  @Test
  void secretIds_shouldBePrefixTenantProviderThenWhatTheyHold() {
    assertEquals(
        "videohook/acme/modelgates/webhook",
        SecretsManagerTenantSecrets.webhookSecretId("videohook", "acme", Provider.MODELGATES));
    assertEquals(
        "videohook/acme/modelgates/api-key",
        SecretsManagerTenantSecrets.apiKeySecretId("videohook", "acme", Provider.MODELGATES));
  }

  /** Answers GetSecretValue from a map and records the ids asked for. */
  private static final class FakeSecretsManager implements SecretsManagerClient {
    final Map<String, String> values = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    boolean failing;

    void put(String id, String json) {
      values.put(id, json);
    }

    @Override
    public GetSecretValueResponse getSecretValue(GetSecretValueRequest request) {
      calls.add(request.secretId());
      if (failing) {
        throw SdkClientException.create("connection refused");
      }
      String value = values.get(request.secretId());
      if (value == null) {
        throw ResourceNotFoundException.builder().message("not found").build();
      }
      return GetSecretValueResponse.builder().name(request.secretId()).secretString(value).build();
    }

    @Override
    public String serviceName() {
      return "secretsmanager";
    }

    @Override
    public void close() {}
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-11-26T08:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
