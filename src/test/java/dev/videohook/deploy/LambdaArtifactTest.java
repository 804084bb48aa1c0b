package dev.videohook.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.local.MotoServer;
import dev.videohook.provider.Provider;
import dev.videohook.secrets.SecretsManagerTenantSecrets;
import dev.videohook.testing.Soak;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each function's artifact as {@code sam build} makes it ({@code make build-<Function>}, the
 * Makefile and pom.xml's per-function copy-dependencies), proven by running it: a fresh JVM whose
 * class path is that artifact alone builds the handler from its environment and invokes it, against
 * moto. A jar the artifact leaves out that the handler loads fails here, whatever list of jars
 * anyone keeps; the webhook function runs its whole path, its secret from Secrets Manager and one
 * signed delivery committed.
 *
 * <p>Soak-sized: four nested Maven builds take minutes, so it runs with {@code mvn -Psoak test},
 * which {@code .ci/run} runs after {@code mvn verify}.
 */
@Soak
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LambdaArtifactTest {
  private static final String TABLE = "artifact-jobs";
  private static final String SECRET = "artifact-secret";
  private static final String PREFIX = "videohook";
  private static final String TENANT = "acme";

  private MotoServer moto;
  private Path work;
  private final Map<String, Path> artifacts = new HashMap<>();

  @BeforeAll
  void start() throws IOException {
    moto = MotoServer.start();
    moto.createJobTable(TABLE);
    moto.secretsClient()
        .createSecret(
            b ->
                b.name(
                        SecretsManagerTenantSecrets.webhookSecretId(
                            PREFIX, TENANT, Provider.OPENROUTER))
                    .secretString(
                        "{\""
                            + SecretsManagerTenantSecrets.WEBHOOK_SECRET
                            + "\":\""
                            + SECRET
                            + "\"}"));
    work = Files.createTempDirectory("lambda-artifacts");
  }

  @AfterAll
  void stop() throws IOException {
    if (moto != null) {
      moto.close();
    }
    if (work != null) {
      try (Stream<Path> paths = Files.walk(work)) {
        paths.sorted((a, b) -> b.compareTo(a)).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  @Test
  void webhookArtifact_commitsASignedDelivery_withItsOwnJarsAlone() throws Exception {
    String jobId = "artifact_" + System.nanoTime();

    String output =
        probe(
            "WebhookFunction",
            Map.of(
                SecretsManagerTenantSecrets.TENANT_SECRETS_PREFIX,
                PREFIX,
                // the SDK's own endpoint setting: the handler builds its Secrets Manager client as
                // in AWS
                "AWS_ENDPOINT_URL_SECRETS_MANAGER",
                moto.endpoint().toString()),
            "dev.videohook.webhook.WebhookHandler",
            TENANT,
            jobId,
            SECRET);

    assertTrue(output.contains("response {\"statusCode\":204}"), output);
    Optional<Job> job =
        new JobStore(moto.client(), TABLE).find(new JobKey(TENANT, Provider.OPENROUTER, jobId));
    assertEquals(JobStatus.FAILED, job.orElseThrow().status());
  }

  @Test
  void webhookArtifact_leavesOutWhatOnlyTheOtherFunctionsLoad() throws Exception {
    List<String> jars = jars("WebhookFunction");

    for (String absent :
        List.of(
            "s3-",
            "eventbridge-",
            "okhttp-",
            "okio-",
            "kotlin-stdlib-",
            "joda-time-",
            "aws-lambda-java-events-sdk-transformer-",
            "picocli-")) {
      assertTrue(
          jars.stream().noneMatch(jar -> jar.startsWith(absent)),
          absent + "* is in the webhook function's artifact: " + jars);
    }
    assertTrue(jars.stream().anyMatch(jar -> jar.startsWith("dynamodb-")), jars.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"DownloadFunction", "ReconcileFunction", "NotifyFunction"})
  void otherFunctionsArtifacts_startAndRun_withTheirOwnJarsAlone(String function) throws Exception {
    String handler =
        switch (function) {
          case "DownloadFunction" -> "dev.videohook.download.DownloadHandler";
          case "ReconcileFunction" -> "dev.videohook.reconcile.ReconcileHandler";
          default -> "dev.videohook.notify.NotifyHandler";
        };

    // the event as Lambda hands it over: no stream records; a scheduled run
    String event =
        function.equals("ReconcileFunction")
            ? "{\"version\":\"0\",\"id\":\"artifact-run\",\"detail-type\":\"Scheduled Event\","
                + "\"source\":\"aws.events\",\"account\":\"123456789012\","
                + "\"time\":\"2026-12-07T10:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],"
                + "\"detail\":{}}"
            : "{\"Records\":[]}";

    String output =
        probe(
            function,
            Map.of(
                "VIDEO_BUCKET", "artifact-videos",
                "S3_ENDPOINT", moto.endpoint().toString(),
                "EVENT_BUS_NAME", "artifact-bus"),
            handler,
            event);

    assertTrue(output.contains("invoked "), output);
  }

  /** The artifact's jar names, building it first if this run has not. */
  private List<String> jars(String function) throws Exception {
    try (Stream<Path> jars = Files.list(artifact(function).resolve("lib"))) {
      return jars.map(jar -> jar.getFileName().toString()).sorted().toList();
    }
  }

  /** {@code make build-<function>} into a folder of its own, as sam build runs it; once per run. */
  private synchronized Path artifact(String function) throws Exception {
    Path built = artifacts.get(function);
    if (built != null) {
      return built;
    }
    Path dir = work.resolve(function);
    List<String> command = new ArrayList<>(List.of("make", "-s", "build-" + function));
    command.add("ARTIFACTS_DIR=" + dir);
    // the Maven the tests run under, offline when they are (-Dlambda.artifact.mvn="mvn -o")
    command.add("MVN=" + System.getProperty("lambda.artifact.mvn", "mvn"));
    Process make = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(make.waitFor(10, TimeUnit.MINUTES), "make build-" + function + " did not end");
    assertEquals(0, make.exitValue(), "make build-" + function + ":\n" + output);
    artifacts.put(function, dir);
    return dir;
  }

  /**
   * A fresh JVM on {@code function}'s artifact and {@link ArtifactProbe} alone, in an environment
   * of its own (the local endpoints, fake credentials, nothing inherited); its output.
   */
  private String probe(String function, Map<String, String> env, String... args) throws Exception {
    Path artifact = artifact(function);
    Path probeDir = work.resolve("probe");
    String probeClass = ArtifactProbe.class.getName().replace('.', '/') + ".class";
    if (!Files.exists(probeDir.resolve(probeClass))) {
      Files.createDirectories(probeDir.resolve(probeClass).getParent());
      try (var in = ArtifactProbe.class.getClassLoader().getResourceAsStream(probeClass)) {
        Files.copy(in, probeDir.resolve(probeClass));
      }
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(
        String.join(
            File.pathSeparator,
            probeDir.toString(),
            artifact.toString(),
            artifact.resolve("lib").resolve("*").toString(),
            // what Lambda's Java runtime brings beside the function: its event serialization
            runtimeSerializationJar()));
    command.add(ArtifactProbe.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    environment.clear();
    environment.put("HOME", work.toString());
    environment.put("JOBS_TABLE", TABLE);
    environment.put("AWS_REGION", "us-east-1");
    environment.put("DYNAMODB_ENDPOINT", moto.endpoint().toString());
    environment.put("AWS_ACCESS_KEY_ID", "local");
    environment.put("AWS_SECRET_ACCESS_KEY", "local");
    environment.put("LOG_LEVEL", "WARN");
    environment.putAll(env);
    Process process = builder.start();
    String output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), function + "'s probe did not end");
    assertEquals(0, process.exitValue(), function + "'s probe failed:\n" + output);
    return output;
  }

  /**
   * aws-lambda-java-serialization, the library with which Lambda's Java runtime maps events onto
   * aws-lambda-java-events' classes: part of the runtime, not of any artifact.
   */
  private static String runtimeSerializationJar() throws Exception {
    return Path.of(
            LambdaEventSerializers.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI())
        .toString();
  }
}
