package dev.videohook.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.cli.VideohookCli;
import dev.videohook.job.Job;
import dev.videohook.job.JobItems;
import dev.videohook.job.JobKey;
import dev.videohook.job.JobStatus;
import dev.videohook.local.LocalSecrets;
import dev.videohook.local.LocalVideohook;
import dev.videohook.notify.JobEvents;
import dev.videohook.provider.Provider;
import dev.videohook.simulator.Faults;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What an operator and a consuming team see, through the whole local stack: the downstream events
 * at {@code GET /events}, {@code videohook url} and {@code videohook costs}, and the jobs page in a
 * real headless Chromium.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperateTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String TENANT = "ops";

  /**
   * Its own tenant, so that the other tests' sums and lists of {@link #TENANT} stay as they are.
   */
  private static final String WIDE_TENANT = "wide";

  private static final String LONG_REASON_JOB = "job_long_reason_00000000000000000000000000000001";
  private static final String LONG_REASON =
      "reading http://127.0.0.1:43127/files/job_long_reason_00000000000000000000000000000001/"
          + "0.mp4?token=0123456789abcdef0123456789abcdef0123456789abcdef failed after 3 attempts:"
          + "the_body_ended_after_1048576_of_67108864_bytes_and_no_answer_came_within_30_s";
  private final HttpClient http = HttpClient.newHttpClient();
  private LocalVideohook stack;
  private String storedJob;
  private String failedJob;

  @BeforeAll
  void start() throws Exception {
    stack = LocalVideohook.start(0, Map.of(LocalSecrets.TENANTS_ENV, TENANT));
    var simulator = stack.simulator(Provider.OPENROUTER);
    simulator.setFaults(Faults.none().withCompletionDelay(Duration.ofMillis(50)));
    storedJob = stack.submit(Provider.OPENROUTER, TENANT, "google/veo-3.1-lite", "a lamp").id();
    assertTrue(simulator.awaitDelivered(storedJob, TIMEOUT));
    simulator.setFaults(
        Faults.none().withOutcome(JobStatus.FAILED).withCompletionDelay(Duration.ofMillis(50)));
    failedJob = stack.submit(Provider.OPENROUTER, TENANT, "google/veo-3.1-lite", "a cat").id();
    assertTrue(simulator.awaitDelivered(failedJob, TIMEOUT));
    awaitEvents(2);
    // submitted first, updated last, with a reason as long as a real transport failure's: what
    // must neither widen the page past its window nor sort it first under "Submitted"
    stack
        .jobStore()
        .recordSubmitted(
            new JobKey(WIDE_TENANT, Provider.OPENROUTER, LONG_REASON_JOB),
            "google/veo-3.1-lite",
            "an old one",
            java.time.Instant.now().minus(Duration.ofHours(1)));
    stack
        .dynamoDb()
        .updateItem(
            b ->
                b.tableName(LocalVideohook.TABLE)
                    .key(
                        Map.of(
                            "pk",
                            AttributeValue.fromS(
                                "job#" + WIDE_TENANT + "#openrouter#" + LONG_REASON_JOB)))
                    .updateExpression("SET #s = :s, updated_at = :u, last_download_error = :e")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(
                        Map.of(
                            ":s", AttributeValue.fromS("download_failed"),
                            ":u", AttributeValue.fromS(java.time.Instant.now().toString()),
                            ":e", AttributeValue.fromS(LONG_REASON))));
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private List<Map<String, Object>> awaitEvents(int count) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      List<Map<String, Object>> events = events();
      if (events.size() >= count) {
        return events;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("fewer than " + count + " events: " + events());
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> events() throws Exception {
    String body = get(stack.apiBase().resolve("/events")).body();
    return (List<Map<String, Object>>) JSON.std.mapFrom(body).get("events");
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private Job job(String jobId) {
    return stack.jobStore().find(new JobKey(TENANT, Provider.OPENROUTER, jobId)).orElseThrow();
  }

  @Test
  @SuppressWarnings("unchecked")
  void events_shouldCarryEachTransition_withItsOutputs_andAStableId() throws Exception {
    List<Map<String, Object>> events = awaitEvents(2);
    Map<String, Object> stored = byJob(events, storedJob);
    Job job = job(storedJob);
    assertEquals(JobStatus.STORED, job.status());
    assertEquals(JobEvents.SOURCE, stored.get("source"));
    assertEquals(JobEvents.STORED, stored.get("detail-type"));
    Map<String, Object> detail = (Map<String, Object>) stored.get("detail");
    // EventBridge sets the envelope's own id; ours, stable across redeliveries, is in the detail
    assertEquals(JobEvents.eventId(job), detail.get("event_id"));
    assertEquals(TENANT, detail.get("tenant"));
    assertEquals("openrouter", detail.get("provider"));
    assertEquals("stored", detail.get("status"));
    assertEquals("google/veo-3.1-lite", detail.get("model"));
    List<Map<String, Object>> outputs = (List<Map<String, Object>>) detail.get("outputs");
    assertEquals(1, outputs.size());
    assertEquals(LocalVideohook.BUCKET, outputs.get(0).get("bucket"));
    assertEquals(job.stored().objects().get(0).key(), outputs.get(0).get("key"));
    assertEquals(job.stored().objects().get(0).sha256(), outputs.get(0).get("sha256"));
    assertEquals(
        job.stored().objects().get(0).size(), ((Number) outputs.get(0).get("size")).longValue());
    assertEquals("video/mp4", outputs.get(0).get("content_type"));

    Map<String, Object> failed = byJob(events, failedJob);
    assertEquals(JobEvents.FAILED, failed.get("detail-type"));
    assertEquals(List.of(), ((Map<String, Object>) failed.get("detail")).get("outputs"));
    assertEquals(
        2,
        events.stream().filter(e -> List.of(storedJob, failedJob).contains(jobIdOf(e))).count(),
        "one event per transition, none for pending or completed: " + events);
  }

  @SuppressWarnings("unchecked")
  private static String jobIdOf(Map<String, Object> event) {
    return (String) ((Map<String, Object>) event.get("detail")).get("job_id");
  }

  /** The events published so far, once one of them is about {@code jobId}. */
  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> awaitEventFor(String jobId) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      List<Map<String, Object>> events = events();
      if (events.stream()
          .anyMatch(e -> jobId.equals(((Map<String, Object>) e.get("detail")).get("job_id")))) {
        return events;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no event for " + jobId + ": " + events());
  }

  private static Map<String, Object> byJob(List<Map<String, Object>> events, String jobId) {
    return events.stream()
        .filter(e -> jobId.equals(jobIdOf(e)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no event for " + jobId + ": " + events));
  }

  private Map<String, String> cliEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("JOBS_TABLE", LocalVideohook.TABLE);
    env.put("DYNAMODB_ENDPOINT", stack.dynamoDbEndpoint().toString());
    env.put("S3_ENDPOINT", stack.s3Endpoint().toString());
    env.put("AWS_REGION", "us-east-1");
    return env;
  }

  private String[] cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        VideohookCli.run(args, cliEnv(), new PrintWriter(out, true), new PrintWriter(err, true));
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  @Test
  void url_shouldPresignEachStoredObject_thatServesTheStoredBytes() throws Exception {
    String[] run = cli("url", storedJob, "-p", "openrouter", "-t", TENANT, "--expires", "PT10M");
    assertEquals("0", run[0], run[2]);
    List<String> urls = run[1].lines().toList();
    assertEquals(1, urls.size(), run[1]);
    assertTrue(urls.get(0).contains("X-Amz-Expires=600"), urls.get(0));
    HttpResponse<byte[]> video =
        http.send(
            HttpRequest.newBuilder(URI.create(urls.get(0))).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, video.statusCode());
    String sha256 =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(video.body()));
    assertEquals(job(storedJob).stored().objects().get(0).sha256(), sha256);

    String[] notStored = cli("url", failedJob, "-p", "openrouter", "-t", TENANT);
    assertEquals("1", notStored[0], notStored[1]);
    assertTrue(notStored[2].contains("not stored"), notStored[2]);
  }

  @Test
  void costs_shouldSumByModelAndFinalStatus() {
    String[] run = cli("costs", "-t", TENANT, "--since", "2000-01-01");
    assertEquals("0", run[0], run[2]);
    BigDecimal storedCost = job(storedJob).usage().cost();
    BigDecimal failedCost =
        Optional.ofNullable(job(failedJob).usage().cost()).orElse(BigDecimal.ZERO);
    assertTrue(
        hasLine(run[1], "google/veo-3\\.1-lite\\s+stored\\s+1\\s+" + storedCost.toPlainString()),
        run[1]);
    assertTrue(
        hasLine(run[1], "google/veo-3\\.1-lite\\s+failed\\s+1\\s+" + failedCost.toPlainString()),
        run[1]);
    assertTrue(
        run[1].lines().anyMatch(l -> l.matches("TOTAL\\s+2\\s+" + storedCost.add(failedCost))),
        run[1]);
    String[] none = cli("costs", "-t", TENANT, "--since", "2999-01-01");
    assertTrue(none[1].startsWith("no jobs"), none[1]);
  }

  @Test
  @SuppressWarnings("unchecked")
  void contentEndpointOnly_shouldStoreEveryOutput_countedByTheProvidersStatus() throws Exception {
    var simulator = stack.simulator(Provider.MODELGATES);
    simulator.setOutputs(3);
    simulator.setFaults(
        Faults.none().withContentEndpointOnly().withCompletionDelay(Duration.ofMillis(50)));
    String jobId;
    try {
      jobId = stack.submit(Provider.MODELGATES, TENANT, "google/veo-3.1-lite", "three").id();
      assertTrue(simulator.awaitDelivered(jobId, TIMEOUT));
    } finally {
      simulator.setOutputs(1);
    }
    JobKey key = new JobKey(TENANT, Provider.MODELGATES, jobId);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (stack.jobStore().find(key).orElseThrow().status() != JobStatus.STORED
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    Job job = stack.jobStore().find(key).orElseThrow();
    assertEquals(JobStatus.STORED, job.status(), String.valueOf(job));
    assertEquals(List.of(), job.unsignedUrls(), "the webhook named no URL");
    assertEquals(3, job.stored().objects().size(), String.valueOf(job.stored()));
    assertEquals(
        3,
        job.stored().objects().stream().map(o -> o.sha256()).distinct().count(),
        "each index is its own video");
    Map<String, Object> stored = byJob(awaitEventFor(jobId), jobId);
    assertEquals(
        3, ((List<Object>) ((Map<String, Object>) stored.get("detail")).get("outputs")).size());
  }

  /** Debian's chromium, where installed; .ci/run installs it. */
  private static Optional<String> chromium() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, name))) {
          return Optional.of(Path.of(dir, name).toString());
        }
      }
    }
    return Optional.empty();
  }

  private static boolean hasLine(String text, String regex) {
    return text.lines().anyMatch(l -> l.matches(regex));
  }

  private String chromium(String browser, Path profile, String... action) throws Exception {
    List<String> command = new ArrayList<>(DevTools.headless(browser, profile));
    command.add("--virtual-time-budget=5000");
    command.addAll(List.of(action));
    command.add(stack.apiBase().resolve("/").toString());
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "chromium did not finish");
    assertEquals(0, process.exitValue(), "chromium failed");
    return out;
  }

  @Test
  void jobsPage_shouldRenderEachJob_withItsObjectLink_andTheEvents_inARealBrowser()
      throws Exception {
    Optional<String> browser = chromium();
    assumeTrue(
        browser.isPresent(),
        "SKIPPED: no chromium on PATH (apt-get install -y chromium; .ci/run installs it)");
    Path profile = Files.createTempDirectory("videohook-chromium");
    String dom = chromium(browser.get(), profile, "--dump-dom");
    int row = dom.indexOf("id=\"job-" + storedJob + "\"");
    assertTrue(row > 0, "no row for the stored job in the rendered page:\n" + dom);
    String storedRow = dom.substring(row, dom.indexOf("</tr>", row));
    assertTrue(storedRow.contains("data-status=\"stored\""), storedRow);
    assertTrue(storedRow.contains(job(storedJob).stored().objects().get(0).sha256()), storedRow);
    assertTrue(storedRow.contains("class=\"object-link\""), storedRow);
    assertTrue(
        storedRow.contains("href=\"" + stack.s3Endpoint() + "/" + LocalVideohook.BUCKET + "/"),
        storedRow);
    assertTrue(storedRow.contains("google/veo-3.1-lite"), "model column: " + storedRow);
    assertTrue(
        storedRow.contains(">" + job(storedJob).usage().cost().toPlainString() + "<"),
        "cost column: " + storedRow);
    assertTrue(dom.contains("All times are UTC"), dom);
    assertTrue(dom.contains("Submitted (UTC)"), dom);
    String submitted =
        job(storedJob).times().submittedAt().toString().replace("T", " ").substring(0, 19);
    assertTrue(storedRow.contains(submitted), "submitted, in UTC: " + storedRow);
    // each job links to its record, which the server answers as the job's JSON
    Matcher link =
        Pattern.compile(
                "class=\"record-link\" href=\"([^\"]+)\"|href=\"([^\"]+)\" class=\"record-link\"")
            .matcher(storedRow);
    assertTrue(link.find(), "no link to the job's record: " + storedRow);
    String href = (link.group(1) != null ? link.group(1) : link.group(2)).replace("&amp;", "&");
    HttpResponse<String> record = get(stack.apiBase().resolve(href));
    assertEquals(200, record.statusCode(), href);
    assertEquals(storedJob, JSON.std.mapFrom(record.body()).get("job_id"));

    int failed = dom.indexOf("id=\"job-" + failedJob + "\"");
    assertTrue(failed > 0, dom);
    String failedRow = dom.substring(failed, dom.indexOf("</tr>", failed));
    String reason = String.valueOf(JobItems.toPlain(job(failedJob)).get("error"));
    assertTrue(
        failedRow.contains("class=\"reason\">" + reason + "<"), "reason column: " + failedRow);
    assertTrue(dom.contains(JobEvents.STORED) && dom.contains(JobEvents.FAILED), dom);

    Files.createDirectories(Path.of("target"));
    Path screenshot = Path.of("target", "jobs-page.png").toAbsolutePath();
    chromium(browser.get(), profile, "--screenshot=" + screenshot, "--window-size=1280,800");
    assertTrue(Files.size(screenshot) > 0, "no screenshot at " + screenshot);
  }

  @Test
  void jobsPage_at1280px_showsTheObjectsColumnWithoutAScrollbar_andSortsBySubmission()
      throws Exception {
    Optional<String> browser = chromium();
    assumeTrue(
        browser.isPresent(),
        "SKIPPED: no chromium on PATH (apt-get install -y chromium; .ci/run installs it)");
    String script =
        "new Promise(done => { const check = () => {"
            + " const rows = [...document.querySelectorAll('#jobs tbody tr[id]')];"
            + " if (rows.length < 3) { setTimeout(check, 100); return; }"
            + " const page = document.documentElement;"
            + " const objects = document.querySelector('#jobs thead th:last-child');"
            + " done(JSON.stringify({scrollWidth: page.scrollWidth, clientWidth: page.clientWidth,"
            + " objectsRight: objects.getBoundingClientRect().right,"
            + " objectsHeading: objects.textContent, rows: rows.map(r => r.id)})); };"
            + " check(); })";

    Map<String, Object> layout =
        JSON.std.mapFrom(
            DevTools.evaluate(browser.get(), stack.apiBase().resolve("/"), 1280, script));

    int clientWidth = ((Number) layout.get("clientWidth")).intValue();
    assertEquals(1280, clientWidth, layout.toString());
    assertTrue(
        ((Number) layout.get("scrollWidth")).intValue() <= clientWidth,
        "no horizontal scrollbar at 1280 px: " + layout);
    assertEquals("Objects", layout.get("objectsHeading"));
    assertTrue(
        ((Number) layout.get("objectsRight")).doubleValue() <= clientWidth,
        "the Objects column in the window: " + layout);
    @SuppressWarnings("unchecked")
    List<String> rows = (List<String>) layout.get("rows");
    int longReason = rows.indexOf("job-" + LONG_REASON_JOB);
    assertTrue(
        longReason > rows.indexOf("job-" + storedJob)
            && longReason > rows.indexOf("job-" + failedJob),
        "submitted first, listed after the newer submissions: " + rows);
  }
}
