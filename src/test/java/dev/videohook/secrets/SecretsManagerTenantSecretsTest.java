package dev.videohook.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.local.MotoServer;
import dev.videohook.provider.Provider;
import dev.videohook.testing.SharedMoto;
import dev.videohook.testing.TcpProxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Parsing, caching and source selection, on the wire: the real Secrets Manager client against
 * moto's Secrets Manager.
 */
class SecretsManagerTenantSecretsTest {
  private static final Duration TTL = Duration.ofMinutes(5);
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  private final WireSecretsManager secretsManager = new WireSecretsManager();
  private final MutableClock clock = new MutableClock();
  private final SecretsManagerTenantSecrets secrets =
      new SecretsManagerTenantSecrets(secretsManager.client, secretsManager.prefix, TTL, clock);

  @AfterEach
  void close() {
    secretsManager.close();
  }

  @Test
  void webhookSecrets_shouldBeCurrentThenPrevious_whenRotating() {
    secretsManager.put(
        "acme/openrouter/webhook",
        "{\"webhook_secret\":\"new\",\"webhook_secret_previous\":\"old\"}");
    secretsManager.put("acme/openrouter/api-key", "{\"api_key\":\"sk-or\"}");

    assertEquals(List.of("new", "old"), secrets.webhookSecrets("acme", Provider.OPENROUTER));
    assertEquals(Optional.of("sk-or"), secrets.apiKey("acme", Provider.OPENROUTER));
  }

  @Test
  void signingSecretsAndApiKey_shouldComeFromTheirOwnSecrets_eachReadOnlyWhenAskedFor() {
    // an API key left in the signing secret (the old single-secret layout) is not used
    secretsManager.put(
        "acme/openrouter/webhook", "{\"webhook_secret\":\"s\",\"api_key\":\"sk-old\"}");

    assertEquals(List.of("s"), secrets.webhookSecrets("acme", Provider.OPENROUTER));
    String webhookId = secretsManager.prefix + "/acme/openrouter/webhook";
    assertEquals(List.of(webhookId), secretsManager.calls);
    assertEquals(Optional.empty(), secrets.apiKey("acme", Provider.OPENROUTER));
    assertEquals(
        List.of(webhookId, secretsManager.prefix + "/acme/openrouter/api-key"),
        secretsManager.calls);
  }

  @Test
  void secrets_shouldBeReadPerTenantAndProvider() {
    secretsManager.put("acme/modelgates/webhook", "{\"webhook_secret\":\"mg\"}");

    assertEquals(List.of("mg"), secrets.webhookSecrets("acme", Provider.MODELGATES));
    assertEquals(Optional.empty(), secrets.apiKey("acme", Provider.MODELGATES));
    assertEquals(List.of(), secrets.webhookSecrets("acme", Provider.OPENROUTER));
    assertEquals(List.of(), secrets.webhookSecrets("globex", Provider.MODELGATES));
  }

  @Test
  void secret_shouldBeReadOncePerTtl() {
    secretsManager.put("acme/openrouter/webhook", "{\"webhook_secret\":\"v1\"}");
    secrets.webhookSecrets("acme", Provider.OPENROUTER);
    secretsManager.put("acme/openrouter/webhook", "{\"webhook_secret\":\"v2\"}");

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
    secretsManager.put("acme/openrouter/webhook", "{\"webhook_secret\":\"v1\"}");
    secrets.webhookSecrets("acme", Provider.OPENROUTER);
    clock.advance(TTL);
    secretsManager.fail();

    assertEquals(List.of("v1"), secrets.webhookSecrets("acme", Provider.OPENROUTER));
    assertEquals(List.of("v1"), secrets.webhookSecrets("acme", Provider.OPENROUTER));
    assertEquals(3, secretsManager.calls.size());
  }

  @Test
  void failedCall_shouldBeRetryable_forAnApiKeyNeverReadBefore() {
    secretsManager.fail();
    assertThrows(
        SecretsUnavailableException.class, () -> secrets.apiKey("acme", Provider.OPENROUTER));
  }

  @Test
  void failedCall_shouldBeEmpty_whenNothingWasReadBefore() {
    secretsManager.fail();
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

  /**
   * moto's Secrets Manager through the real client, which records the ids asked for and, while
   * {@link #failing}, goes through a cut network path.
   */
  private static final class WireSecretsManager implements AutoCloseable {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final String prefix = "videohook-" + PREFIXES.incrementAndGet();
    private final TcpProxy path = new TcpProxy(SharedMoto.get().endpoint());
    private final SecretsManagerClient admin = SharedMoto.get().secretsClient();
    final SecretsManagerClient client =
        MotoServer.configure(SecretsManagerClient.builder(), path.endpoint())
            .overrideConfiguration(
                c ->
                    c.addExecutionInterceptor(
                        new ExecutionInterceptor() {
                          @Override
                          public void beforeExecution(
                              Context.BeforeExecution context, ExecutionAttributes attributes) {
                            if (context.request() instanceof GetSecretValueRequest get) {
                              calls.add(get.secretId());
                            }
                          }
                        }))
            .build();

    /** Creates or replaces the secret {@code prefix/name}. */
    void put(String name, String json) {
      String id = prefix + "/" + name;
      try {
        admin.putSecretValue(b -> b.secretId(id).secretString(json));
      } catch (ResourceNotFoundException e) {
        admin.createSecret(b -> b.name(id).secretString(json));
      }
    }

    void fail() {
      path.cut();
    }

    @Override
    public void close() {
      client.close();
      admin.close();
      path.close();
    }
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
