package dev.videohook.deploy;

import static dev.videohook.deploy.CloudFormationTemplate.at;
import static dev.videohook.deploy.CloudFormationTemplate.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.config.AwsClients;
import dev.videohook.download.CompletedJob;
import dev.videohook.download.DownloadHandler;
import dev.videohook.download.DownloadService;
import dev.videohook.download.StreamRecords;
import dev.videohook.job.Job;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.local.LocalVideohook;
import dev.videohook.local.SamLocalStack;
import dev.videohook.provider.Provider;
import dev.videohook.secrets.TenantSecrets;
import dev.videohook.simulator.VideoBytes;
import dev.videohook.webhook.HttpApiEvents;
import dev.videohook.webhook.HttpApiRequest;
import dev.videohook.webhook.ReceiverConfig;
import dev.videohook.webhook.WebhookHandler;
import dev.videohook.webhook.WebhookReceiver;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * docs/deploy.md's {@code sam local invoke} recipe without Docker: the stack that {@code mvn
 * -Plocal -Dexec.args=sam-local} starts, the env.json it prints (the same text, parsed back), and
 * both handlers built from that environment as Lambda would build them, given the sample events.
 * The one difference: the container reaches this machine as host.docker.internal, this test as
 * 127.0.0.1, so the test swaps the one for the other (what {@code --host 127.0.0.1} prints, for
 * {@code --docker-network host}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SamLocalInvokeTest {
  private SamLocalStack stack;
  private Map<String, Map<String, String>> envJson;

  @BeforeAll
  void start() throws Exception {
    stack = SamLocalStack.start();
    envJson = parse(SamLocalStack.envJsonText(SamLocalStack.DOCKER_HOST));
  }

  @AfterAll
  void stop() {
    stack.close();
  }

  @Test
  void envJson_shouldSetOnlyVariablesTheTemplateDeclares_forEachFunction() throws Exception {
    CloudFormationTemplate template = CloudFormationTemplate.load(Path.of("template.yaml"));
    assertEquals(
        new TreeSet<>(template.resourcesOfType("AWS::Serverless::Function")),
        new TreeSet<>(envJson.keySet()),
        "one entry per function logical id");
    for (var function : envJson.entrySet()) {
      Set<String> declared =
          new TreeSet<>(
              map(at(template.root, "Globals", "Function", "Environment", "Variables")).keySet());
      Object own = at(template.properties(function.getKey()), "Environment", "Variables");
      if (own != null) {
        declared.addAll(map(own).keySet());
      }
      assertTrue(
          declared.containsAll(function.getValue().keySet()),
          function.getKey()
              + ": sam local invoke ignores variables the template does not declare: "
              + function.getValue().keySet());
      assertEquals(
          LocalVideohook.TABLE, function.getValue().get("JOBS_TABLE"), "not the logical id");
      function
          .getValue()
          .forEach(
              (name, value) -> {
                if (name.endsWith("_ENDPOINT")) {
                  assertTrue(value.startsWith("http://host.docker.internal:"), name + "=" + value);
                }
              });
    }
  }

  @Test
  void webhookThenDownload_withTheSampleEvents_shouldStoreTheVideo() throws Exception {
    // sam local invoke WebhookFunction -e signed.json --env-vars env.json
    Map<String, String> webhookEnv = onThisMachine(envJson.get("WebhookFunction"));
    HttpApiRequest request = HttpApiEvents.load("events/openrouter-completed-local.json");
    byte[] body = request.body().getBytes(StandardCharsets.UTF_8);
    // what `videohook sign-event --secret dev_secret` does: a fresh signature, same body
    request
        .headers()
        .put(
            Provider.OPENROUTER.signatureHeader().toLowerCase(),
            Provider.OPENROUTER.sign(
                webhookEnv.get(Provider.OPENROUTER.webhookSecretEnv()),
                Instant.now().getEpochSecond(),
                body));
    assertEquals(204, HttpApiEvents.status(webhookHandler(webhookEnv), request));

    // sam local invoke DownloadFunction -e events/dynamodb-stream-completed-local.json ...
    Map<String, String> downloadEnv = onThisMachine(envJson.get("DownloadFunction"));
    DynamodbEvent stream =
        EventLoader.loadDynamoDbEvent("events/dynamodb-stream-completed-local.json");
    StreamsEventResponse response =
        new DownloadHandler(DownloadService.fromEnvironment(downloadEnv))
            .handleRequest(stream, null);
    assertEquals(List.of(), response.getBatchItemFailures());

    CompletedJob completed =
        StreamRecords.newlyCompletedJob(stream.getRecords().get(0)).orElseThrow();
    String jobId = completed.jobId();
    Job job =
        new JobStore(stack.dynamoDb().client(), LocalVideohook.TABLE)
            .find(completed.key())
            .orElseThrow();
    assertEquals(JobStatus.STORED, job.status());
    assertEquals(LocalVideohook.BUCKET, job.stored().bucket());
    String key = job.stored().objects().get(0).key();
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    try (InputStream in =
        stack.s3().client().getObject(b -> b.bucket(LocalVideohook.BUCKET).key(key))) {
      sha256.update(in.readAllBytes());
    }
    String stored = HexFormat.of().formatHex(sha256.digest());
    assertEquals(VideoBytes.sha256(jobId, SamLocalStack.VIDEO_BYTES), stored);
    assertEquals(stored, job.stored().objects().get(0).sha256());
  }

  /** As WebhookHandler's no-arg constructor builds it, from the given environment. */
  private static WebhookHandler webhookHandler(Map<String, String> env) {
    ReceiverConfig config = ReceiverConfig.fromEnvironment(env);
    JobStore store =
        new JobStore(
            AwsClients.dynamoDb(config.shared()), config.tableName(), config.deliveryTtl());
    return new WebhookHandler(
        new WebhookReceiver(
            store,
            TenantSecrets.fromEnvironment(env),
            config.tolerance(),
            config.maxBodyBytes(),
            Clock.systemUTC()));
  }

  /** host.docker.internal is the container's name for this machine; here it is 127.0.0.1. */
  private static Map<String, String> onThisMachine(Map<String, String> env) {
    Map<String, String> local = new HashMap<>();
    env.forEach(
        (name, value) ->
            local.put(name, value.replace(SamLocalStack.DOCKER_HOST + ":", "127.0.0.1:")));
    return local;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, String>> parse(String json) throws Exception {
    Map<String, Map<String, String>> env = new HashMap<>();
    JSON.std.mapFrom(json).forEach((k, v) -> env.put(k, (Map<String, String>) v));
    return env;
  }
}
