package dev.videohook.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.cli.CliStack.Run;
import dev.videohook.job.Job;
import dev.videohook.job.JobItems;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.job.JobStore;
import dev.videohook.job.JobTable;
import dev.videohook.job.StoredObject;
import dev.videohook.job.TestJobs;
import dev.videohook.local.LocalVideohook;
import dev.videohook.provider.Provider;
import dev.videohook.provider.Tenants;
import dev.videohook.signature.SignatureVerifier;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The command line against the local stack and the provider simulator. */
class VideohookCliTest {
  private static final String API_KEY = "sk-test-never-printed";
  private static final String VEO = "google/veo-3.1-lite";

  @RegisterExtension static final CliStack cli = new CliStack(API_KEY);

  private static Map<String, String> env() {
    Map<String, String> env = cli.env();
    env.put("OPENROUTER_WEBHOOK_SECRET", LocalVideohook.DEFAULT_SECRET);
    return env;
  }

  private static Run run(Map<String, String> env, String... args) {
    return CliStack.run(env, args);
  }

  private static Run submit(Map<String, String> env, String... options) {
    return run(env, CliStack.submitArgs(options));
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
        submit(
            env(),
            "-t",
            "acme",
            "--model",
            VEO,
            "--prompt",
            "a desk lamp",
            "--duration",
            "4",
            "-f",
            "seed=42");

    assertEquals(0, run.exitCode(), run.err());
    String jobId = run.submittedJobId();
    assertTrue(
        run.out()
            .contains("callback    " + cli.stack().apiBase() + "/acme/openrouter/video-webhook"),
        run.out());
    Job job =
        cli.stack().jobStore().find(new JobKey("acme", Provider.OPENROUTER, jobId)).orElseThrow();
    assertEquals(JobStatus.PENDING, job.status());
    assertEquals("a desk lamp", job.prompt());
    assertFalse(run.out().contains(API_KEY) || run.err().contains(API_KEY));
  }

  @Test
  void submit_withoutApiKey_namesTheVariable_andSubmitsNothing() {
    Map<String, String> env = env();
    env.remove("OPENROUTER_API_KEY");
    int requestsBefore = cli.simulator().apiRequests().size();

    Run run = submit(env, "--model", "m", "--prompt", "p");

    assertEquals(3, run.exitCode());
    assertTrue(run.err().contains("not set: OPENROUTER_API_KEY"), run.err());
    assertFalse(run.err().contains("Exception"), run.err());
    assertEquals(requestsBefore, cli.simulator().apiRequests().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sk-or LEAKME", "sk-or-LEAKME\nX-Evil: 1", "sk-or-LEAKME\u00e9"})
  void submitAndStatus_withAnInvalidKey_nameTheVariable_neverTheKey_andSendNothing(String key) {
    Map<String, String> env = env();
    env.put("OPENROUTER_API_KEY", key);
    int requestsBefore = cli.simulator().apiRequests().size();

    Run submit = submit(env, "--model", "m", "--prompt", "p");
    Run status = run(env, "status", "job-x", "-p", "openrouter");

    for (Run run : List.of(submit, status)) {
      assertEquals(3, run.exitCode(), run.err());
      assertTrue(run.err().contains("OPENROUTER_API_KEY holds characters"), run.err());
      assertFalse((run.out() + run.err()).contains("LEAKME"), run.err());
      assertFalse(run.err().contains("Exception"), run.err());
    }
    assertEquals(requestsBefore, cli.simulator().apiRequests().size());
  }

  @Test
  void submit_withATrailingNewlineOnTheKey_trimsIt_andSubmits() {
    Map<String, String> env = env();
    env.put("OPENROUTER_API_KEY", API_KEY + "\n");

    Run run = submit(env, "--model", VEO, "--prompt", "p", "--no-record");

    assertEquals(0, run.exitCode(), run.err());
  }

  @Test
  void plainHttpApiBase_isRefused_outsideLocalMode_beforeTheKeyIsSent() {
    int requestsBefore = cli.simulator().apiRequests().size();
    Map<String, String> env = env();
    env.remove("DOWNLOAD_ALLOW_LOOPBACK_HTTP");

    Run fromEnv = submit(env, "--model", "m", "--prompt", "p");
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
    assertEquals(requestsBefore, cli.simulator().apiRequests().size());
  }

  @Test
  void submit_withoutApiUrlOrCallback_namesBoth() {
    Map<String, String> env = env();
    env.remove("VIDEOHOOK_API_URL");

    Run run = submit(env, "--model", "m", "--prompt", "p");

    assertEquals(3, run.exitCode());
    assertTrue(
        run.err().contains("not set: VIDEOHOOK_API_URL") && run.err().contains("--callback-url"),
        run.err());
  }

  @Test
  void submit_refusesPlainHttpCallback_toAnotherHost() {
    Run run =
        submit(
            env(),
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

    Run run = submit(env, "--model", VEO, "--prompt", "p", "--no-record");

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
    Run submitted = submit(env(), "--model", VEO, "--prompt", "p");
    String jobId =
        submitted.out().lines().findFirst().orElseThrow().split(" job ")[1].split(" ")[0];

    Run run = run(env(), "status", jobId, "-p", "openrouter");

    assertEquals(0, run.exitCode(), run.err());
    String statusLine =
        run.out().lines().filter(l -> l.startsWith("status")).findFirst().orElseThrow();
    assertTrue(statusLine.matches("status\\s+pending\\s+pending"), statusLine);
  }

  @Test
  void status_showsTheOutputsExpiry_andEachObjectsSource() {
    Instant expiry = Instant.parse("2026-12-08T09:30:00Z");
    JobKey key = new JobKey("acme", Provider.OPENROUTER, "gen-vid-status-expiry");
    TestJobs.put(
        cli.stack().dynamoDb(),
        LocalVideohook.TABLE,
        Job.builder(key, JobStatus.STORED)
            .stored(
                new Job.StoredVideos(
                    LocalVideohook.BUCKET,
                    List.of(
                        new StoredObject("acme/openrouter/x/0.mp4", 10, "ab", "video/mp4")
                            .from(StoredObject.Source.UNSIGNED_URL),
                        new StoredObject("acme/openrouter/x/1.mp4", 10, "cd", "video/mp4")
                            .from(StoredObject.Source.SIGNED_URL))))
            .outputsExpireAt(expiry)
            .build());

    Run run = run(env(), "status", key.jobId(), "-p", "openrouter", "-t", "acme");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(
        run.out().lines().anyMatch(l -> l.matches("outputs_expire_at\\s+-\\s+" + expiry)),
        run.out());
    assertTrue(
        run.out()
            .lines()
            .anyMatch(l -> l.matches("object_sources\\s+\\[unsigned_url, signed_url]")),
        run.out());
  }

  @Test
  void jobs_noteColumn_showsWhatAPendingJobWaitsOn_asTheReconcilerNotedIt() {
    String note =
        "the provider reports status 'queued_for_review', unknown to videohook: kept pending";
    JobKey key = new JobKey("initech", Provider.OPENROUTER, "gen-vid-jobs-note");
    TestJobs.put(
        cli.stack().dynamoDb(),
        LocalVideohook.TABLE,
        Job.builder(key, JobStatus.PENDING)
            .times(new Job.Times(Instant.now(), null, null, Instant.now()))
            .reconcile(new Job.ReconcileCheck(null, note))
            .build());

    Run run = run(env(), "jobs", "-t", "initech");

    assertEquals(0, run.exitCode(), run.err());
    String header = run.out().lines().findFirst().orElseThrow();
    String row = run.out().lines().filter(l -> l.contains(key.jobId())).findFirst().orElseThrow();
    assertTrue(header.endsWith("NOTE"), header);
    assertEquals(note, row.substring(header.indexOf("NOTE")), run.out());
  }

  @Test
  void jobs_listsTheTenantsJobs() {
    submit(env(), "-t", "globex", "--model", VEO, "--prompt", "p");

    Run run = run(env(), "jobs", "-t", "globex");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(2, run.out().lines().count(), run.out());
    assertTrue(run.out().contains("pending"));
  }

  /** {@code send-test} to the local receiver's openrouter URL for the default tenant. */
  private static Run sendTestToTheLocalReceiver(String... options) {
    String url = cli.stack().callbackUrl("$default", Provider.OPENROUTER).toString();
    List<String> args = new ArrayList<>(List.of("send-test", "--url", url));
    args.addAll(List.of(options));
    return run(env(), args.toArray(String[]::new));
  }

  @Test
  void sendTest_prints204_againstTheLocalReceiver() {
    Run run = sendTestToTheLocalReceiver("--job-id", "cli_send_test");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("204", run.out().strip());
  }

  @Test
  void sendTest_withAnotherSecret_prints401_andFails() {
    Run run = sendTestToTheLocalReceiver("--secret", "wrong");

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
    String jobId = cli.stack().submit(Provider.OPENROUTER, "acme", VEO, "p").id();
    Instant deadline = Instant.now().plusSeconds(60);
    JobKey key = new JobKey("acme", Provider.OPENROUTER, jobId);
    Job stored;
    while ((stored = cli.stack().jobStore().find(key).orElseThrow()).status() != JobStatus.STORED) {
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
    Map<String, String> env = storeEnv("replay");
    TestJobs.put(
        cli.stack().dynamoDb(), "replay-jobs", TestJobs.withStatus(stored, JobStatus.COMPLETED));

    Run replay = run(env, "replay", jobId, "-p", "openrouter", "-t", "acme");
    Run again = run(env, "replay", jobId, "-p", "openrouter", "-t", "acme");

    assertEquals(0, replay.exitCode(), replay.err());
    assertTrue(replay.out().contains("job " + jobId + ": stored"), replay.out());
    assertTrue(replay.err().contains("MiB downloaded"), "progress: " + replay.err());
    assertFalse(replay.out().contains("MiB downloaded"), replay.out());
    assertEquals(1, cli.stack().s3().objects("replay-videos").size());
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().contains("already stored"), again.out());
  }

  @Test
  void replay_withoutTheBucket_namesTheSetting() {
    cli.stack().dynamoDb().createTable(JobTable.createTableRequest("replay-unconfigured"));
    TestJobs.put(
        cli.stack().dynamoDb(),
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
        cli.stack().dynamoDb(),
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
    cli.stack().dynamoDb().createTable(JobTable.createTableRequest("reconcile-jobs"));
    Map<String, String> env = env();
    env.put("JOBS_TABLE", "reconcile-jobs");
    JobStore jobs = new JobStore(cli.stack().dynamoDb(), "reconcile-jobs");
    // still running at the simulator (it finishes jobs after an hour), submitted an hour ago
    String running =
        submit(env, "--model", VEO, "--prompt", "p", "--no-record")
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
    Map<String, String> env = redriveEnv("redrive");
    TestJobs.put(
        cli.stack().dynamoDb(),
        "redrive-jobs",
        TestJobs.withStatus(stored, JobStatus.DOWNLOAD_FAILED));
    // the documented on-failure record, and an object that is not one
    byte[] record = Files.readAllBytes(Path.of("events/dynamodb-stream-on-failure-record.json"));
    cli.stack()
        .s3()
        .client()
        .putObject(
            b -> b.bucket("redrive-failed").key("aws/lambda/batch-1"),
            RequestBody.fromBytes(record));
    cli.stack()
        .s3()
        .client()
        .putObject(
            b -> b.bucket("redrive-failed").key("notes.txt"), RequestBody.fromString("hello"));

    Run dry = run(env, "redrive", "--failed-batch-bucket", "redrive-failed", "--dry-run");
    assertEquals(0, dry.exitCode(), dry.err());
    assertTrue(dry.out().contains("would redrive acme/openrouter/" + jobId), dry.out());
    assertEquals(0, cli.stack().s3().objects("redrive-videos").size(), "a dry run changes nothing");
    assertEquals(2, cli.stack().s3().objects("redrive-failed").size());

    Run run = run(env, "redrive", "--failed-batch-bucket", "redrive-failed");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("RetryAttemptsExhausted, 1 record(s)"), run.out());
    assertTrue(run.out().contains("skipped notes.txt"), run.out());
    assertTrue(run.out().contains(": stored"), run.out());
    assertTrue(run.err().contains("MiB downloaded"), "progress: " + run.err());
    assertTrue(run.out().contains("1 on-failure record(s) read, 1 deleted"), run.out());
    assertEquals(
        JobStatus.STORED,
        new JobStore(cli.stack().dynamoDb(), "redrive-jobs")
            .find(stored.key())
            .orElseThrow()
            .status());
    assertEquals(1, cli.stack().s3().objects("redrive-videos").size());
    assertEquals(
        List.of("notes.txt"),
        cli.stack().s3().objects("redrive-failed").stream().map(o -> o.key()).toList(),
        "what is not an on-failure record stays");
  }

  /** A job in a table of its own, completed and failed once, whose download another run holds. */
  private static Map<String, String> jobWithALiveLease(String table, JobKey key) {
    cli.stack().dynamoDb().createTable(JobTable.createTableRequest(table));
    cli.stack().s3().createBucket(table + "-videos");
    TestJobs.put(
        cli.stack().dynamoDb(),
        table,
        TestJobs.job(
                key,
                JobStatus.DOWNLOAD_FAILED,
                List.of("http://127.0.0.1:9/v.mp4"),
                Instant.now().minus(Duration.ofHours(2)))
            .toBuilder()
            .download(new Job.DownloadAttempts(1, "HTTP 503"))
            .build());
    TestJobs.lease(new JobStore(cli.stack().dynamoDb(), table), key, Instant.now());
    Map<String, String> env = env();
    env.put("JOBS_TABLE", table);
    env.put("VIDEO_BUCKET", table + "-videos");
    env.put("S3_ENDPOINT", cli.stack().s3Endpoint().toString());
    env.put("DOWNLOAD_ALLOW_LOOPBACK_HTTP", "true");
    env.put("OPENROUTER_API_KEY", LocalVideohook.SIMULATOR_API_KEY);
    return env;
  }

  private static Map<String, AttributeValue> item(String table, JobKey key) {
    return cli.stack().dynamoDb().scan(b -> b.tableName(table)).items().stream()
        .filter(i -> JobItems.job(i).map(j -> j.key().equals(key)).orElse(false))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void replay_ofAJobWhoseDownloadIsRunning_saysSoInOneLine_exits75_andChangesNothing() {
    JobKey key = new JobKey("acme", Provider.OPENROUTER, "job_leased_replay");
    Map<String, String> env = jobWithALiveLease("replay-leased", key);
    Map<String, AttributeValue> before = item("replay-leased", key);

    Run run = run(env, "replay", key.jobId(), "-p", "openrouter", "-t", "acme");

    assertEquals(75, run.exitCode(), run.err());
    assertEquals(
        1,
        run.err().lines().filter(l -> l.contains("a download of it is already running")).count(),
        run.err());
    assertEquals(before, item("replay-leased", key), "the job item is as it was");
    assertEquals(0, cli.stack().s3().objects("replay-leased-videos").size());
  }

  @Test
  void redrive_ofAJobWhoseDownloadIsRunning_saysSo_exits75_andChangesNothing() throws Exception {
    JobKey key = new JobKey("acme", Provider.OPENROUTER, "job_leased_redrive");
    Map<String, String> env = jobWithALiveLease("redrive-leased", key);
    Map<String, AttributeValue> before = item("redrive-leased", key);

    Run run = run(env, "redrive", "--json");

    assertEquals(75, run.exitCode(), run.err());
    assertTrue(
        run.err().contains("job " + key + ": a download of it is already running"), run.err());
    assertEquals(1, JSON.std.mapFrom(run.out()).get("download_running"), run.out());
    assertEquals(before, item("redrive-leased", key), "the job item is as it was");
    assertEquals(0, cli.stack().s3().objects("redrive-leased-videos").size());
  }

  @Test
  void redrive_withATooShortAge_isAUsageError_andChangesNothing() {
    Run run = run(env(), "redrive", "--completed-older-than", "5");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--completed-older-than"), run.err());
  }

  // --- scriptable: results on stdout, logs on stderr, --json, --version, completion ---

  @Test
  void version_printsTheProjectVersion_fromTheBuild() throws Exception {
    Matcher pom =
        Pattern.compile("<artifactId>videohook</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(Path.of("pom.xml")));
    assertTrue(pom.find(), "pom.xml's version");

    Run run = run(env(), "--version");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("videohook " + pom.group(1), run.out().strip());
  }

  @Test
  void completion_printsABashScript_namingEveryCommand() {
    Run run = run(env(), "completion");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("complete -F"), run.out());
    for (String command : List.of("submit", "status", "redrive", "costs", "completion")) {
      assertTrue(run.out().contains(command), command);
    }
  }

  /**
   * The command line as a user runs it: its own JVM, its own stdout and stderr, no test logging.
   */
  private static Run runMain(Map<String, String> env, String... args) throws Exception {
    String classPath =
        Arrays.stream(
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"))
                    .split(File.pathSeparator))
            .filter(entry -> !entry.endsWith("test-classes")) // no logback-test.xml
            .collect(Collectors.joining(File.pathSeparator));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-cp", classPath, VideohookCli.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(env);
    Path out = Files.createTempFile("cli", ".out");
    Path err = Files.createTempFile("cli", ".err");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the command line did not end");
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void logsAndMetrics_goToStandardError_onlyWithVerbose_neverToStandardOutput() throws Exception {
    // two jobs the local stack stored, copied as they were before their download into a table no
    // stream poller watches: each replay downloads one, logs it and counts it in a metric
    Job first = submittedAndStored();
    Job second = submittedAndStored();
    Map<String, String> env = storeEnv("quiet");
    for (Job job : List.of(first, second)) {
      TestJobs.put(
          cli.stack().dynamoDb(), "quiet-jobs", TestJobs.withStatus(job, JobStatus.COMPLETED));
    }

    Run quiet = runMain(env, "replay", first.jobId());
    Run verbose = runMain(env, "replay", second.jobId(), "-v");

    for (Run run : List.of(quiet, verbose)) {
      assertEquals(0, run.exitCode(), run.err());
      assertTrue(run.out().contains(": stored"), run.out());
      assertTrue(run.out().lines().noneMatch(l -> l.contains("{")), run.out());
      assertTrue(run.err().contains("MiB downloaded"), run.err());
    }
    assertFalse(quiet.err().contains("\"level\":\"INFO\""), quiet.err());
    assertFalse(quiet.err().contains("\"_aws\""), quiet.err());
    assertTrue(verbose.err().contains("\"level\":\"INFO\""), verbose.err());
    assertTrue(verbose.err().contains("\"_aws\""), "the EMF documents: " + verbose.err());
  }

  @Test
  void jobsAndStatus_withJson_printOneDocument_withTheRecordsFields() throws Exception {
    Run submitted = submit(env(), "-t", "initech", "--model", VEO, "--prompt", "p");
    String jobId =
        submitted.out().lines().findFirst().orElseThrow().split(" job ")[1].split(" ")[0];

    Run jobs = run(env(), "jobs", "-t", "initech", "--json");
    Run status = run(env(), "status", jobId, "-p", "openrouter", "-t", "initech", "--json");

    assertEquals(0, jobs.exitCode(), jobs.err());
    List<Object> list = JSON.std.listFrom(jobs.out());
    assertEquals(1, list.size(), jobs.out());
    @SuppressWarnings("unchecked")
    Map<String, Object> job = (Map<String, Object>) list.get(0);
    assertEquals(jobId, job.get("job_id"));
    assertEquals("pending", job.get("status"));
    assertEquals("google/veo-3.1-lite", job.get("model"));
    assertEquals(0, status.exitCode(), status.err());
    Map<String, Object> document = JSON.std.mapFrom(status.out());
    assertEquals("pending", document.get("provider_status"));
    assertEquals("pending", ((Map<?, ?>) document.get("videohook")).get("status"));
  }

  @Test
  void costsAndRedrive_withJson_printOneDocument() throws Exception {
    cli.stack().dynamoDb().createTable(JobTable.createTableRequest("json-jobs"));
    TestJobs.put(
        cli.stack().dynamoDb(),
        "json-jobs",
        TestJobs.job(
            new JobKey("umbrella", Provider.OPENROUTER, "json_failed"),
            JobStatus.DOWNLOAD_FAILED,
            List.of(),
            Instant.now().minusSeconds(10)));
    Map<String, String> env = env();
    env.put("JOBS_TABLE", "json-jobs");

    Run costs = run(env, "costs", "-t", "umbrella", "--json");
    Run redrive = run(env, "redrive", "--dry-run", "--json");

    assertEquals(0, costs.exitCode(), costs.err());
    Map<String, Object> report = JSON.std.mapFrom(costs.out());
    assertEquals(1, ((Number) report.get("jobs")).intValue(), costs.out());
    assertEquals(0, redrive.exitCode(), redrive.err());
    Map<String, Object> redriven = JSON.std.mapFrom(redrive.out());
    assertEquals(1, ((Number) redriven.get("found")).intValue(), redrive.out());
    assertEquals(
        "json_failed", ((Map<?, ?>) ((List<?>) redriven.get("jobs")).get(0)).get("job_id"));
  }

  // --- status: our side always, the job found by id ---

  @Test
  void status_ofAJobTheProviderDoesNotKnow_showsOurSide_andFindsItWithoutTenantOrProvider() {
    Job failed =
        Job.builder(
                new JobKey("hooli", Provider.OPENROUTER, "status_unknown_upstream"),
                JobStatus.DOWNLOAD_FAILED)
            .model(VEO)
            .download(new Job.DownloadAttempts(3, "HTTP 403 from the video host"))
            .times(new Job.Times(null, null, null, Instant.now()))
            .build();
    TestJobs.put(cli.stack().dynamoDb(), LocalVideohook.TABLE, failed);

    Run run = run(env(), "status", "status_unknown_upstream");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.err().contains("tenant hooli, provider openrouter"), run.err());
    // the provider's answer, wrapped in its column
    assertTrue(
        run.out().replaceAll("\\s+", " ").contains("HTTP 404"),
        "the provider's answer: " + run.out());
    assertTrue(
        run.out().lines().anyMatch(l -> l.matches("last_download_error\\s+HTTP 403 from .*")),
        run.out());
    assertTrue(run.out().lines().anyMatch(l -> l.matches("download_attempts\\s+3")), run.out());
    assertTrue(run.out().contains("download_failed"), run.out());
  }

  @Test
  void status_ofAPendingJobTheReconcilerCouldNotSettle_showsWhatItFoundAndWhenItLooksAgain()
      throws Exception {
    Instant nextCheck = Instant.parse("2026-01-02T03:04:05Z");
    Job pending =
        Job.builder(
                new JobKey("hooli", Provider.OPENROUTER, "status_reconciler_note"),
                JobStatus.PENDING)
            .times(new Job.Times(Instant.now().minusSeconds(3600), null, null, Instant.now()))
            .reconcile(new Job.ReconcileCheck(nextCheck, "HTTP 429 from the provider"))
            .build();
    TestJobs.put(cli.stack().dynamoDb(), LocalVideohook.TABLE, pending);

    Run run = run(env(), "status", "status_reconciler_note");
    Run json = run(env(), "status", "status_reconciler_note", "--json");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(
        run.out()
            .lines()
            .anyMatch(l -> l.matches("reconcile_last_outcome\\s+HTTP 429 from the provider")),
        run.out());
    assertTrue(
        run.out().lines().anyMatch(l -> l.matches("reconcile_next_check\\s+2026-01-02T03:04:05Z")),
        run.out());
    assertEquals(0, json.exitCode(), json.err());
    Map<?, ?> ours = (Map<?, ?>) JSON.std.mapFrom(json.out()).get("videohook");
    assertEquals("HTTP 429 from the provider", ours.get("reconcile_last_outcome"), json.out());
    assertEquals("2026-01-02T03:04:05Z", ours.get("reconcile_next_check"), json.out());
  }

  @Test
  void status_ofAnIdRecordedTwice_isAUsageError_listingBoth() {
    for (String tenant : List.of("alpha", "beta")) {
      TestJobs.put(
          cli.stack().dynamoDb(),
          LocalVideohook.TABLE,
          TestJobs.job(
              new JobKey(tenant, Provider.OPENROUTER, "status_twice"),
              JobStatus.PENDING,
              List.of(),
              Instant.now()));
    }

    Run run = run(env(), "status", "status_twice");

    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("tenant alpha, provider openrouter"), run.err());
    assertTrue(run.err().contains("tenant beta, provider openrouter"), run.err());
    assertTrue(run.err().contains("-t and -p"), run.err());
  }

  // --- submit, send-test, sign-event, url: user mistakes answered clearly ---

  @Test
  void submit_withATenantTheTemplateRefuses_isAUsageError_andSubmitsNothing() {
    int requestsBefore = cli.simulator().apiRequests().size();

    Run run = submit(env(), "-t", "Acme-EU", "--model", "m", "--prompt", "p");

    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("tenant 'Acme-EU' cannot be deployed"), run.err());
    assertTrue(run.err().contains("did you mean 'acmeeu'"), run.err());
    assertEquals(requestsBefore, cli.simulator().apiRequests().size());
  }

  @Test
  void submit_toTheDefaultTenant_ofADeployedApi_isAUsageError() {
    Map<String, String> env = env();
    env.put("VIDEOHOOK_API_URL", "https://abc123.execute-api.eu-west-1.amazonaws.com");
    int requestsBefore = cli.simulator().apiRequests().size();

    Run run = submit(env, "--model", "m", "--prompt", "p");

    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("give the tenant with -t"), run.err());
    assertEquals(requestsBefore, cli.simulator().apiRequests().size());
  }

  @Test
  void tenantRule_isTheTemplates() throws Exception {
    String template = Files.readString(Path.of("template.yaml"));

    assertTrue(
        template.contains("AllowedPattern: \"" + Tenants.DEPLOYABLE.pattern() + "\""),
        "template.yaml's Tenants pattern");
  }

  @Test
  void sendTest_withATenant_signsForItsStage_andExplainsA401() {
    Map<String, String> env = env();
    env.remove("OPENROUTER_WEBHOOK_SECRET"); // the local stack's default secret applies

    Run ok = run(env, "send-test", "-t", "acme", "--job-id", "cli_send_tenant");
    Run refused = run(env, "send-test", "-t", "acme", "--secret", "wrong");

    assertEquals(0, ok.exitCode(), ok.err());
    assertEquals("204", ok.out().strip());
    assertTrue(
        cli.stack()
            .jobStore()
            .find(new JobKey("acme", Provider.OPENROUTER, "cli_send_tenant"))
            .isPresent());
    assertEquals(1, refused.exitCode());
    assertEquals("401", refused.out().strip());
    assertTrue(refused.err().contains("refused the signature"), refused.err());
    assertTrue(refused.err().contains("tenant acme and provider openrouter"), refused.err());
    assertTrue(refused.err().contains("/acme/openrouter/webhook"), refused.err());
  }

  @Test
  void sendTest_toAPathNothingServes_explainsA404() {
    Run run =
        run(env(), "send-test", "--url", cli.stack().apiBase() + "/acme/runway/video-webhook");

    assertEquals(1, run.exitCode());
    assertEquals("404", run.out().strip());
    assertTrue(run.err().contains("404: nothing answers /acme/runway/video-webhook"), run.err());
  }

  @Test
  void signEvent_asTheReadmeGivesIt_needsNoSecret() throws Exception {
    Map<String, String> env = env();
    env.remove("OPENROUTER_WEBHOOK_SECRET");

    Run run = run(env, "sign-event", "events/openrouter-completed.json");

    assertEquals(0, run.exitCode(), run.err());
    Map<String, Object> event = JSON.std.mapFrom(run.out());
    @SuppressWarnings("unchecked")
    String header = ((Map<String, String>) event.get("headers")).get("x-openrouter-signature");
    byte[] body = ((String) event.get("body")).getBytes(StandardCharsets.UTF_8);
    assertTrue(new SignatureVerifier(List.of("dev_secret")).verify(header, body).isVerified());
  }

  @Test
  void signEvent_ofAFileThatIsNotJson_saysWhy_withoutTheParsersSourceText(@TempDir Path dir)
      throws Exception {
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"body\": ");

    Run run = run(env(), "sign-event", broken.toString());

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("is not JSON"), run.err());
    assertFalse(run.err().contains("Source"), run.err());
    assertFalse(run.err().contains("REDACTED"), run.err());
  }

  @Test
  void signEvent_intoAMissingFolder_saysSo(@TempDir Path dir) {
    Path output = dir.resolve("nope").resolve("signed.json");

    Run run = run(env(), "sign-event", "events/openrouter-completed.json", "-o", output.toString());

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("does not exist; create it first"), run.err());
  }

  /** A table, a video bucket and a failed-batch bucket of their own, and the redrive's settings. */
  private static Map<String, String> redriveEnv(String name) {
    Map<String, String> env = storeEnv(name);
    cli.stack().s3().createBucket(name + "-failed");
    return env;
  }

  /**
   * A table ({@code name-jobs}) and a video bucket ({@code name-videos}) of their own, and the
   * settings that download into them from the local stack's simulated provider.
   */
  private static Map<String, String> storeEnv(String name) {
    cli.stack().dynamoDb().createTable(JobTable.createTableRequest(name + "-jobs"));
    cli.stack().s3().createBucket(name + "-videos");
    Map<String, String> env = env();
    env.put("JOBS_TABLE", name + "-jobs");
    env.put("VIDEO_BUCKET", name + "-videos");
    env.put("S3_ENDPOINT", cli.stack().s3Endpoint().toString());
    env.put("DOWNLOAD_ALLOW_LOOPBACK_HTTP", "true");
    env.put("OPENROUTER_API_KEY", LocalVideohook.SIMULATOR_API_KEY);
    env.put("OPENROUTER_API_BASE", cli.stack().simulator(Provider.OPENROUTER).apiBase().toString());
    return env;
  }

  /** A completed job last changed {@code ago}, its download tried {@code attempts} times. */
  private static Job completed(String jobId, List<String> urls, Duration ago, int attempts) {
    Job job =
        TestJobs.job(
            new JobKey("acme", Provider.OPENROUTER, jobId),
            JobStatus.COMPLETED,
            urls,
            Instant.now().minus(ago));
    return job.toBuilder()
        .download(new Job.DownloadAttempts(attempts, attempts > 0 ? "source answered 503" : null))
        .build();
  }

  @Test
  void redrive_leavesACompletedJobTheStreamHasNotTried_andKeepsTheRecordThatMayNameIt()
      throws Exception {
    Map<String, String> env = redriveEnv("untried");
    Job untried =
        completed(
            "job_untried", List.of("http://127.0.0.1:9/never-fetched.mp4"), Duration.ofHours(2), 0);
    TestJobs.put(cli.stack().dynamoDb(), "untried-jobs", untried);
    // an on-failure record written after that job's last change: it may name it
    String record =
        Files.readString(Path.of("events/dynamodb-stream-on-failure-record.json"))
            .replace("2025-06-02T10:15:49.717Z", Instant.now().minusSeconds(600).toString());
    cli.stack()
        .s3()
        .client()
        .putObject(
            b -> b.bucket("untried-failed").key("aws/lambda/batch-2"),
            RequestBody.fromString(record));

    Run run = run(env, "redrive", "--failed-batch-bucket", "untried-failed");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("left to the stream"), run.out());
    assertTrue(run.out().contains("kept aws/lambda/batch-2"), run.out());
    assertEquals(
        JobStatus.COMPLETED,
        new JobStore(cli.stack().dynamoDb(), "untried-jobs")
            .find(untried.key())
            .orElseThrow()
            .status());
    assertEquals(1, cli.stack().s3().objects("untried-failed").size(), "the record is kept");
  }

  @Test
  void redrive_transientFailure_leavesACompletedJobRetryable_andDeletesNoRecord() throws Exception {
    Map<String, String> env = redriveEnv("transient");
    // nothing listens on port 9 of the loopback: a connection refused, worth a retry
    Job tried =
        completed("job_tried", List.of("http://127.0.0.1:9/gone.mp4"), Duration.ofHours(2), 1);
    TestJobs.put(cli.stack().dynamoDb(), "transient-jobs", tried);
    cli.stack()
        .s3()
        .client()
        .putObject(
            b -> b.bucket("transient-failed").key("aws/lambda/batch-3"),
            RequestBody.fromBytes(
                Files.readAllBytes(Path.of("events/dynamodb-stream-on-failure-record.json"))));

    Run run = run(env, "redrive", "--failed-batch-bucket", "transient-failed");

    assertEquals(1, run.exitCode(), run.out());
    assertTrue(run.out().contains("failed again"), run.out());
    Job after =
        new JobStore(cli.stack().dynamoDb(), "transient-jobs").find(tried.key()).orElseThrow();
    assertEquals(JobStatus.COMPLETED, after.status(), "still retryable by the stream");
    assertEquals(2, after.download().failedAttempts(), "the attempt is counted");
    assertEquals(1, cli.stack().s3().objects("transient-failed").size());
  }

  @Test
  void url_withASubSecondExpiry_isAUsageError_namingTheFix() {
    Run run = run(env(), "url", "job_x", "-p", "openrouter", "-t", "acme", "--expires", "PT0.5S");

    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("--expires must be whole seconds from PT1S to P7D"), run.err());
    assertFalse(run.err().contains("Exception"), run.err());
  }

  // --- settings checked first: one line naming the variable, exit 3 ---

  @Test
  void anUnreachableEmulator_isOneLineNamingTheVariable() {
    Map<String, String> env = env();
    env.put("DYNAMODB_ENDPOINT", "http://127.0.0.1:9");

    Run run = run(env, "jobs", "-t", "acme");

    assertEquals(3, run.exitCode(), run.err());
    assertTrue(run.err().startsWith("error: DYNAMODB_ENDPOINT http://127.0.0.1:9 does not"));
    assertEquals(1, run.err().lines().count(), run.err());
  }

  @Test
  void replay_withoutS3Endpoint_namesIt_andWritesNothingOnTheJob() {
    JobKey key = new JobKey("acme", Provider.OPENROUTER, "replay_no_s3");
    TestJobs.put(
        cli.stack().dynamoDb(),
        LocalVideohook.TABLE,
        TestJobs.job(key, JobStatus.DOWNLOAD_FAILED, List.of(), Instant.now()));
    Map<String, String> env = env();
    env.put("VIDEO_BUCKET", "videohook-videos");

    Run run = run(env, "replay", "replay_no_s3", "-p", "openrouter", "-t", "acme");

    assertEquals(3, run.exitCode(), run.err());
    assertTrue(run.err().contains("S3_ENDPOINT is not set, but DYNAMODB_ENDPOINT is"), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
    Job after = cli.stack().jobStore().find(key).orElseThrow();
    assertEquals(JobStatus.DOWNLOAD_FAILED, after.status());
    assertEquals(null, after.download().lastError(), "nothing noted on the job");
  }

  /** {@code jobs -t initech} once a job of initech holds {@code model} as the provider gave it. */
  private static Run jobsWithModel(String jobId, String model) {
    JobKey key = new JobKey("initech", Provider.OPENROUTER, jobId);
    new JobStore(cli.stack().dynamoDb(), LocalVideohook.TABLE)
        .recordSubmitted(key, model, "p", Instant.now());
    return run(env(), "jobs", "-t", "initech");
  }

  @Test
  void jobs_printsProviderSuppliedText_withoutTerminalControlSequences() {
    Run run = jobsWithModel("job_escape", "evil\u001b]0;owned\u0007\u009b31mmodel");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("evil?]0;owned??31mmodel"), run.out());
    assertTrue(run.out().chars().noneMatch(c -> c == 0x1b || c == 0x07 || c == 0x9b), run.out());
  }

  @Test
  void jobs_printsProviderSuppliedText_withoutCarriageReturnsOrBidiOverrides() {
    Run run = jobsWithModel("job_bidi", "model\rjob_x stored\u202Edeliam\u200B");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("model?job_x stored?deliam?"), run.out());
    assertTrue(
        run.out().chars().noneMatch(c -> c == '\r' || c == 0x202E || c == 0x200B), run.out());
  }

  @Test
  void costs_withoutTenant_readsTheDefaultTenant_asJobsDoes() {
    JobKey key = new JobKey(Tenants.DEFAULT, Provider.OPENROUTER, "job_default_costs");
    new JobStore(cli.stack().dynamoDb(), LocalVideohook.TABLE)
        .recordSubmitted(key, VEO, "p", Instant.now());

    Run run = run(env(), "costs");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("google/veo-3.1-lite"), run.out());
  }

  @Test
  void costs_withoutSince_readsOnlyTheFieldsItSums() {
    JobKey key = new JobKey("hooli", Provider.OPENROUTER, "job_costly");
    JobStore jobs = new JobStore(cli.stack().dynamoDb(), LocalVideohook.TABLE);
    jobs.recordSubmitted(key, VEO, "p", Instant.now());
    // a field the report has no use for, unreadable: never read, so it cannot stop the report
    cli.stack()
        .dynamoDb()
        .updateItem(
            b ->
                b.tableName(LocalVideohook.TABLE)
                    .key(Map.of("pk", AttributeValue.fromS("job#hooli#openrouter#job_costly")))
                    .updateExpression("SET submitted_at = :bad")
                    .expressionAttributeValues(Map.of(":bad", AttributeValue.fromS("yesterday"))));

    Run run = run(env(), "costs", "-t", "hooli");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("google/veo-3.1-lite"), run.out());
    assertTrue(run.out().contains("pending"), run.out());
  }
}
