package dev.videohook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.job.Job;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.JobTable;
import dev.videohook.job.TestJobs;
import dev.videohook.local.LocalVideohook;
import dev.videohook.provider.Provider;
import dev.videohook.signature.SignatureVerifier;
import dev.videohook.simulator.Faults;
import dev.videohook.simulator.ProviderSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;

/** The command line against the local stack and the provider simulator. */
class VideohookCliTest {
  private static final String API_KEY = "sk-test-never-printed";
  private static LocalVideohook stack;
  private static ProviderSimulator simulator;

  record Run(int exitCode, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    stack = LocalVideohook.start(0, Map.of());
    simulator =
        ProviderSimulator.start(
            Provider.OPENROUTER,
            API_KEY,
            LocalVideohook.DEFAULT_SECRET,
            Faults.none().withCompletionDelay(Duration.ofHours(1)));
  }

  @AfterAll
  static void stop() {
    simulator.close();
    stack.close();
  }

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("OPENROUTER_API_KEY", API_KEY);
    env.put("OPENROUTER_API_BASE", simulator.apiBase().toString());
    env.put("DOWNLOAD_ALLOW_LOOPBACK_HTTP", "true"); // local mode: the simulator is plain http
    env.put("JOBS_TABLE", LocalVideohook.TABLE);
    env.put("DYNAMODB_ENDPOINT", stack.dynamoDbEndpoint().toString());
    env.put("AWS_REGION", "us-east-1");
    env.put("VIDEOHOOK_API_URL", stack.apiBase().toString());
    env.put("OPENROUTER_WEBHOOK_SECRET", LocalVideohook.DEFAULT_SECRET);
    return env;
  }

  private static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = VideohookCli.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "submit",
        "status",
        "jobs",
        "send-test",
        "sign-event",
        "replay",
        "reconcile",
        "redrive"
      })
  void everyCommand_hasHelp(String command) {
    Run run = run(env(), command, "--help");

    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("Usage: videohook " + command), run.out());
  }

  @Test
  void submit_recordsThePendingJob_withTheDerivedCallbackUrl() throws Exception {
    Run run =
        run(
            env(),
            "submit",
            "-p",
            "openrouter",
            "-t",
            "acme",
            "--model",
            "google/veo-3.1-lite",
            "--prompt",
            "a desk lamp",
            "--duration",
            "4",
            "-f",
            "seed=42");

    assertEquals(0, run.exitCode(), run.err());
    String jobId =
        run.out()
            .lines()
            .filter(l -> l.startsWith("submitted"))
            .findFirst()
            .orElseThrow()
            .split(" job ")[1]
            .split(" ")[0];
    assertTrue(
        run.out().contains("callback    " + stack.apiBase() + "/acme/openrouter/video-webhook"),
        run.out());
    Job job = stack.jobStore().find(new JobKey("acme", Provider.OPENROUTER, jobId)).orElseThrow();
    assertEquals(JobStatus.PENDING, job.status());
    assertEquals("a desk lamp", job.prompt());
    assertFalse(run.out().contains(API_KEY) || run.err().contains(API_KEY));
  }

  @Test
  void submit_withoutApiKey_namesTheVariable_andSubmitsNothing() {
    Map<String, String> env = env();
    env.remove("OPENROUTER_API_KEY");
    int requestsBefore = simulator.apiRequests().size();

    Run run = run(env, "submit", "-p", "openrouter", "--model", "m", "--prompt", "p");

    assertEquals(3, run.exitCode());
    assertTrue(run.err().contains("OPENROUTER_API_KEY is not set"), run.err());
    assertFalse(run.err().contains("Exception"), run.err());
    assertEquals(requestsBefore, simulator.apiRequests().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sk-or LEAKME", "sk-or-LEAKME\nX-Evil: 1", "sk-or-LEAKME\u00e9"})
  void submitAndStatus_withAnInvalidKey_nameTheVariable_neverTheKey_andSendNothing(String key) {
    Map<String, String> env = env();
    env.put("OPENROUTER_API_KEY", key);
    int requestsBefore = simulator.apiRequests().size();

    Run submit = run(env, "submit", "-p", "openrouter", "--model", "m", "--prompt", "p");
    Run status = run(env, "status", "job-x", "-p", "openrouter");

    for (Run run : List.of(submit, status)) {
      assertEquals(3, run.exitCode(), run.err());
      assertTrue(run.err().contains("OPENROUTER_API_KEY holds characters"), run.err());
      assertFalse((run.out() + run.err()).contains("LEAKME"), run.err());
      assertFalse(run.err().contains("Exception"), run.err());
    }
    assertEquals(requestsBefore, simulator.apiRequests().size());
  }

  @Test
  void submit_withATrailingNewlineOnTheKey_trimsIt_andSubmits() {
    Map<String, String> env = env();
    env.put("OPENROUTER_API_KEY", API_KEY + "\n");

    Run run =
        run(env, "submit", "-p", "openrouter", "--model", "m", "--prompt", "p", "--no-record");

    assertEquals(0, run.exitCode(), run.err());
  }

  @Test
  void plainHttpApiBase_isRefused_outsideLocalMode_beforeTheKeyIsSent() {
    int requestsBefore = simulator.apiRequests().size();
    Map<String, String> env = env();
    env.remove("DOWNLOAD_ALLOW_LOOPBACK_HTTP");

    Run fromEnv = run(env, "submit", "-p", "openrouter", "--model", "m", "--prompt", "p");
    Run fromOption =
        run(
            env(),
            "status",
            "job-x",
            "-p",
            "openrouter",
            "--api-base",
            "http://api.example.com/api/v1");

    assertEquals(3, fromEnv.exitCode(), fromEnv.err());
    assertTrue(fromEnv.err().contains("OPENROUTER_API_BASE must be an https URL"), fromEnv.err());
    assertEquals(2, fromOption.exitCode(), fromOption.err());
    assertTrue(fromOption.err().contains("--api-base must be an https URL"), fromOption.err());
    for (Run run : List.of(fromEnv, fromOption)) {
      assertFalse(run.err().contains("Exception"), run.err());
      assertFalse(run.err().contains(API_KEY), run.err());
    }
    assertEquals(requestsBefore, simulator.apiRequests().size());
  }

  @Test
  void submit_withoutApiUrlOrCallback_namesBoth() {
    Map<String, String> env = env();
    env.remove("VIDEOHOOK_API_URL");

    Run run = run(env, "submit", "-p", "openrouter", "--model", "m", "--prompt", "p");

    assertEquals(3, run.exitCode());
    assertTrue(
        run.err().contains("VIDEOHOOK_API_URL is not set") && run.err().contains("--callback-url"),
        run.err());
  }

  @Test
  void submit_refusesPlainHttpCallback_toAnotherHost() {
    Run run =
        run(
            env(),
            "submit",
            "-p",
            "openrouter",
            "--model",
            "m",
            "--prompt",
            "p",
            "--callback-url",
            "http://example.com/openrouter/video-webhook");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("must use https"), run.err());
  }

  @Test
  void submit_withRefusedKey_showsTheProvidersMessage_notTheKey() {
    Map<String, String> env = env();
    env.put("OPENROUTER_API_KEY", "sk-wrong-key");

    Run run =
        run(env, "submit", "-p", "openrouter", "--model", "m", "--prompt", "p", "--no-record");

    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("HTTP 401") && run.err().contains("invalid API key"), run.err());
    assertFalse(run.err().contains("sk-wrong-key"), run.err());
  }

  @Test
  void unknownProvider_isAUsageError_listingTheProviders() {
    Run run = run(env(), "submit", "-p", "runway", "--model", "m", "--prompt", "p");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("openrouter, modelgates"), run.err());
  }

  @Test
  void status_showsProviderAndStoredStateSideBySide() {
    Run submitted =
        run(env(), "submit", "-p", "openrouter", "--model", "google/veo-3.1-lite", "--prompt", "p");
    String jobId =
        submitted.out().lines().findFirst().orElseThrow().split(" job ")[1].split(" ")[0];

    Run run = run(env(), "status", jobId, "-p", "openrouter");

    assertEquals(0, run.exitCode(), run.err());
    String statusLine =
        run.out().lines().filter(l -> l.startsWith("status")).findFirst().orElseThrow();
    assertTrue(statusLine.matches("status\\s+pending\\s+pending"), statusLine);
  }

  @Test
  void jobs_listsTheTenantsJobs() {
    run(
        env(),
        "submit",
        "-p",
        "openrouter",
        "-t",
        "globex",
        "--model",
        "google/veo-3.1-lite",
        "--prompt",
        "p");

    Run run = run(env(), "jobs", "-t", "globex");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(2, run.out().lines().count(), run.out());
    assertTrue(run.out().contains("pending"));
  }

  @Test
  void sendTest_prints204_againstTheLocalReceiver() {
    Run run =
        run(
            env(),
            "send-test",
            "--url",
            stack.callbackUrl("$default", Provider.OPENROUTER).toString(),
            "--job-id",
            "cli_send_test");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("204", run.out().strip());
  }

  @Test
  void sendTest_withAnotherSecret_prints401_andFails() {
    Run run =
        run(
            env(),
            "send-test",
            "--url",
            stack.callbackUrl("$default", Provider.OPENROUTER).toString(),
            "--secret",
            "wrong");

    assertEquals(1, run.exitCode());
    assertEquals("401", run.out().strip());
  }

  @Test
  void sendTest_toNothing_saysHowToStartAReceiver() {
    Run run = run(env(), "send-test", "--url", "http://127.0.0.1:9/openrouter/video-webhook");

    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("Is the receiver running?"), run.err());
  }

  @Test
  void signEvent_refreshesTheSignature_andLeavesTheBodyAlone(@TempDir Path dir) throws Exception {
    Path signed = dir.resolve("signed.json");

    Run run =
        run(
            env(),
            "sign-event",
            "events/modelgates-completed-base64.json",
            "--secret",
            "fresh_secret",
            "-o",
            signed.toString());

    assertEquals(0, run.exitCode(), run.err());
    Map<String, Object> original =
        JSON.std.mapFrom(Files.readAllBytes(Path.of("events/modelgates-completed-base64.json")));
    Map<String, Object> event = JSON.std.mapFrom(Files.readAllBytes(signed));
    assertEquals(original.get("body"), event.get("body"));
    @SuppressWarnings("unchecked")
    String header = ((Map<String, String>) event.get("headers")).get("x-modelgates-signature");
    byte[] raw = Base64.getDecoder().decode((String) event.get("body"));
    assertTrue(new SignatureVerifier(List.of("fresh_secret")).verify(header, raw).isVerified());
    assertFalse(new String(raw, StandardCharsets.UTF_8).isEmpty());
  }

  /** A job submitted through the local stack, once its stream has stored it. */
  private static Job submittedAndStored() throws Exception {
    String jobId = stack.submit(Provider.OPENROUTER, "acme", "google/veo-3.1-lite", "p").id();
    Instant deadline = Instant.now().plusSeconds(60);
    JobKey key = new JobKey("acme", Provider.OPENROUTER, jobId);
    Job stored;
    while ((stored = stack.jobStore().find(key).orElseThrow()).status() != JobStatus.STORED) {
      assertTrue(Instant.now().isBefore(deadline), "the local stack did not store " + jobId);
      Thread.sleep(50);
    }
    return stored;
  }

  @Test
  void replay_storesAJobWhoseDownloadFailed_andLeavesAStoredJobAlone() throws Exception {
    // a job the local stack has stored, copied into a table no stream poller watches, as it was
    // before its download: completed, with nothing stored
    Job stored = submittedAndStored();
    String jobId = stored.jobId();
    stack.dynamoDb().createTable(JobTable.createTableRequest("replay-jobs"));
    stack.s3().createBucket("replay-videos");
    TestJobs.put(stack.dynamoDb(), "replay-jobs", TestJobs.withStatus(stored, JobStatus.COMPLETED));
    Map<String, String> env = env();
    env.put("JOBS_TABLE", "replay-jobs");
    env.put("VIDEO_BUCKET", "replay-videos");
    env.put("S3_ENDPOINT", stack.s3Endpoint().toString());
    env.put("DOWNLOAD_ALLOW_LOOPBACK_HTTP", "true");
    env.put("OPENROUTER_API_KEY", LocalVideohook.SIMULATOR_API_KEY);
    env.put("OPENROUTER_API_BASE", stack.simulator(Provider.OPENROUTER).apiBase().toString());

    Run replay = run(env, "replay", jobId, "-p", "openrouter", "-t", "acme");
    Run again = run(env, "replay", jobId, "-p", "openrouter", "-t", "acme");

    assertEquals(0, replay.exitCode(), replay.err());
    assertTrue(replay.out().contains("job " + jobId + ": stored"), replay.out());
    assertEquals(1, stack.s3().objects("replay-videos").size());
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().contains("already stored"), again.out());
  }

  @Test
  void replay_withoutTheBucket_namesTheSetting() {
    stack.dynamoDb().createTable(JobTable.createTableRequest("replay-unconfigured"));
    TestJobs.put(
        stack.dynamoDb(),
        "replay-unconfigured",
        TestJobs.job(
            new JobKey("$default", Provider.OPENROUTER, "job_x"),
            JobStatus.COMPLETED,
            List.of(),
            Instant.now()));
    Map<String, String> env = env();
    env.put("JOBS_TABLE", "replay-unconfigured");

    Run run = run(env, "replay", "job_x", "-p", "openrouter");

    assertEquals(3, run.exitCode());
    assertTrue(run.err().contains("VIDEO_BUCKET is not set"), run.err());
    assertFalse(run.err().contains("Exception"), run.err());
  }

  @Test
  void replay_refusesAJobThatEndedWithoutAVideo() {
    String jobId = "replay_unconfigured";
    TestJobs.put(
        stack.dynamoDb(),
        LocalVideohook.TABLE,
        TestJobs.job(
            new JobKey("$default", Provider.OPENROUTER, jobId),
            JobStatus.FAILED,
            List.of(),
            Instant.now()));

    Run failed = run(env(), "replay", jobId, "-p", "openrouter");

    assertEquals(1, failed.exitCode());
    assertTrue(failed.err().contains("is failed: only a completed job has a video"), failed.err());
  }

  @Test
  void signEvent_onAMissingFile_saysSo() {
    Run run = run(env(), "sign-event", "events/nope.json", "--secret", "s");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("no such file: events/nope.json"), run.err());
  }

  @Test
  void reconcile_runsOnePass_andPrintsTheCounts() {
    stack.dynamoDb().createTable(JobTable.createTableRequest("reconcile-jobs"));
    Map<String, String> env = env();
    env.put("JOBS_TABLE", "reconcile-jobs");
    env.put("RECONCILE_ALLOW_LOOPBACK_HTTP", "true");
    JobStore jobs = new JobStore(stack.dynamoDb(), "reconcile-jobs");
    // still running at the simulator (it finishes jobs after an hour), submitted an hour ago
    String running =
        run(env, "submit", "-p", "openrouter", "--model", "m", "--prompt", "p", "--no-record")
            .out()
            .lines()
            .filter(l -> l.startsWith("submitted"))
            .findFirst()
            .map(l -> l.replaceAll(".* job (\\S+) .*", "$1"))
            .orElseThrow();
    JobKey runningKey = new JobKey("$default", Provider.OPENROUTER, running);
    jobs.recordSubmitted(runningKey, "m", "p", Instant.now().minus(Duration.ofHours(1)));
    // unknown to the provider and two days old: past the deadline
    JobKey overdue = new JobKey("$default", Provider.OPENROUTER, "gone_job");
    jobs.recordSubmitted(overdue, "m", "p", Instant.now().minus(Duration.ofDays(2)));

    Run run = run(env, "reconcile");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("examined 2"), run.out());
    assertTrue(run.out().contains("stillRunning 1"), run.out());
    assertTrue(run.out().contains("expired 1"), run.out());
    assertEquals(JobStatus.PENDING, jobs.find(runningKey).orElseThrow().status());
    assertEquals(JobStatus.EXPIRED, jobs.find(overdue).orElseThrow().status());
  }

  @Test
  void reconcile_withBadSettings_namesEachAndChangesNothing() {
    Map<String, String> env = env();
    env.put("RECONCILE_MIN_AGE_SECONDS", "soon");
    env.put("RECONCILE_MAX_JOBS_PER_RUN", "0");

    Run run = run(env, "reconcile");

    assertEquals(3, run.exitCode());
    assertTrue(run.err().contains("RECONCILE_MIN_AGE_SECONDS"), run.err());
    assertTrue(run.err().contains("RECONCILE_MAX_JOBS_PER_RUN"), run.err());
    assertFalse(run.err().contains("Exception"), run.err());
  }

  @Test
  void redrive_storesEveryDownloadFailedJob_andDeletesTheOnFailureRecordsItRead() throws Exception {
    Job stored = submittedAndStored();
    String jobId = stored.jobId();
    stack.dynamoDb().createTable(JobTable.createTableRequest("redrive-jobs"));
    stack.s3().createBucket("redrive-videos");
    stack.s3().createBucket("redrive-failed");
    TestJobs.put(
        stack.dynamoDb(), "redrive-jobs", TestJobs.withStatus(stored, JobStatus.DOWNLOAD_FAILED));
    // the documented on-failure record, and an object that is not one
    byte[] record = Files.readAllBytes(Path.of("events/dynamodb-stream-on-failure-record.json"));
    stack
        .s3()
        .client()
        .putObject(
            b -> b.bucket("redrive-failed").key("aws/lambda/batch-1"),
            RequestBody.fromBytes(record));
    stack
        .s3()
        .client()
        .putObject(
            b -> b.bucket("redrive-failed").key("notes.txt"), RequestBody.fromString("hello"));
    Map<String, String> env = env();
    env.put("JOBS_TABLE", "redrive-jobs");
    env.put("VIDEO_BUCKET", "redrive-videos");
    env.put("S3_ENDPOINT", stack.s3Endpoint().toString());
    env.put("DOWNLOAD_ALLOW_LOOPBACK_HTTP", "true");
    env.put("OPENROUTER_API_KEY", LocalVideohook.SIMULATOR_API_KEY);
    env.put("OPENROUTER_API_BASE", stack.simulator(Provider.OPENROUTER).apiBase().toString());

    Run dry = run(env, "redrive", "--failed-batch-bucket", "redrive-failed", "--dry-run");
    assertEquals(0, dry.exitCode(), dry.err());
    assertTrue(dry.out().contains("would redrive acme/openrouter/" + jobId), dry.out());
    assertEquals(0, stack.s3().objects("redrive-videos").size(), "a dry run changes nothing");
    assertEquals(2, stack.s3().objects("redrive-failed").size());

    Run run = run(env, "redrive", "--failed-batch-bucket", "redrive-failed");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("RetryAttemptsExhausted, 1 record(s)"), run.out());
    assertTrue(run.out().contains("skipped notes.txt"), run.out());
    assertTrue(run.out().contains(": stored"), run.out());
    assertTrue(run.out().contains("1 on-failure record(s) read, 1 deleted"), run.out());
    assertEquals(
        JobStatus.STORED,
        new JobStore(stack.dynamoDb(), "redrive-jobs").find(stored.key()).orElseThrow().status());
    assertEquals(1, stack.s3().objects("redrive-videos").size());
    assertEquals(
        List.of("notes.txt"),
        stack.s3().objects("redrive-failed").stream().map(o -> o.key()).toList(),
        "what is not an on-failure record stays");
  }

  @Test
  void redrive_withATooShortAge_isAUsageError_andChangesNothing() {
    Run run = run(env(), "redrive", "--completed-older-than", "5");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--completed-older-than"), run.err());
  }
}
