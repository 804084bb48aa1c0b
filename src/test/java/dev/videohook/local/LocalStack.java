package dev.videohook.local;

import dev.videohook.job.JobStore;
import dev.videohook.provider.Provider;
import dev.videohook.provider.ProviderApiException;
import dev.videohook.provider.ProviderClient;
import dev.videohook.provider.SubmitRequest;
import dev.videohook.provider.SubmittedJob;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.ProviderSimulator;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.signature.SignatureVerifier;
import dev.videohook.webhook.WebhookHandler;
import dev.videohook.webhook.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The whole system on this machine: DynamoDB Local, the local API server in front of the same
 * webhook handler that Lambda runs, and a simulated provider for each of OpenRouter and
 * ModelGates. Used by {@code mvn -Plocal} and by the end-to-end tests.
 */
public final class LocalStack implements AutoCloseable {
  public static final String TABLE = "videohook-jobs";
  /** The secret the provider guide's examples use, when the environment names none. */
  public static final String DEFAULT_SECRET = "dev_secret";

  /** The API key the simulated providers expect; the real ones never reach the local stack. */
  public static final String SIMULATOR_API_KEY = "sk-local-simulator";

  private final LocalDynamoDb dynamoDb;
  private final LocalApiServer api;
  private final Map<String, String> env;
  private final Map<Provider, ProviderSimulator> simulators;

  private LocalStack(
      LocalDynamoDb dynamoDb, LocalApiServer api, Map<String, String> env, Map<Provider, ProviderSimulator> simulators) {
    this.dynamoDb = dynamoDb;
    this.api = api;
    this.env = env;
    this.simulators = simulators;
  }

  /**
   * @param port the API server's port, 0 for any free one
   * @param environment where the signing secrets come from; a provider without one gets {@link
   *     #DEFAULT_SECRET}
   */
  public static LocalStack start(int port, Map<String, String> environment) throws IOException {
    Map<String, String> env = new HashMap<>(environment);
    for (Provider provider : Provider.values()) {
      env.putIfAbsent(provider.webhookSecretEnv(), DEFAULT_SECRET);
    }
    LocalDynamoDb dynamoDb = LocalDynamoDb.start();
    Map<Provider, ProviderSimulator> simulators = new EnumMap<>(Provider.class);
    try {
      for (Provider provider : Provider.values()) {
        simulators.put(
            provider,
            ProviderSimulator.start(provider, SIMULATOR_API_KEY, env.get(provider.webhookSecretEnv()), Faults.none()));
      }
      dynamoDb.createJobTable(TABLE);
      JobStore store = new JobStore(dynamoDb.client(), TABLE, JobStore.DEFAULT_DELIVERY_TTL);
      WebhookHandler handler =
          new WebhookHandler(
              new WebhookReceiver(
                  store,
                  TenantSecrets.fromEnvironment(env),
                  SignatureVerifier.DEFAULT_TOLERANCE,
                  64 * 1024,
                  Clock.systemUTC()));
      LocalApiServer api = LocalApiServer.start(port, handler, dynamoDb.client(), TABLE);
      return new LocalStack(dynamoDb, api, env, simulators);
    } catch (IOException | RuntimeException e) {
      simulators.values().forEach(ProviderSimulator::close);
      dynamoDb.close();
      throw e;
    }
  }

  public URI apiBase() {
    return api.baseUri();
  }

  public URI callbackUrl(String tenant, Provider provider) {
    return api.callbackUrl(tenant, provider);
  }

  public URI dynamoDbEndpoint() {
    return dynamoDb.endpoint();
  }

  public DynamoDbClient dynamoDb() {
    return dynamoDb.client();
  }

  public JobStore jobStore() {
    return new JobStore(dynamoDb.client(), TABLE, JobStore.DEFAULT_DELIVERY_TTL);
  }

  public ProviderSimulator simulator(Provider provider) {
    return simulators.get(provider);
  }

  /** A client for the simulated provider, as the CLI's {@code submit} would use the real one. */
  public ProviderClient providerClient(Provider provider) {
    return new ProviderClient(provider, simulator(provider).apiBase(), SIMULATOR_API_KEY);
  }

  /** Submits a job to the simulated provider with this stack's callback URL and records it pending. */
  public SubmittedJob submit(Provider provider, String tenant, String model, String prompt) throws ProviderApiException {
    SubmittedJob job =
        providerClient(provider)
            .submit(new SubmitRequest(model, prompt, 4, "720p", "16:9", false, callbackUrl(tenant, provider), Map.of()));
    jobStore().recordSubmitted(tenant, provider.id(), job.id(), model, prompt, Instant.now());
    return job;
  }

  /** The signing secret the receiver accepts for this provider. */
  public String webhookSecret(Provider provider) {
    return env.get(provider.webhookSecretEnv());
  }

  public boolean usesDefaultSecret(Provider provider) {
    return DEFAULT_SECRET.equals(webhookSecret(provider));
  }

  @Override
  public void close() {
    simulators.values().forEach(ProviderSimulator::close);
    api.close();
    dynamoDb.close();
  }
}
