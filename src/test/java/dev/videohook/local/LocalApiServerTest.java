package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.videohook.provider.Provider;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The local API server over real HTTP: the same handler, the same event shape as API Gateway. */
class LocalApiServerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static LocalVideohook stack;

  @BeforeAll
  static void start() throws Exception {
    stack =
        LocalVideohook.start(
            0,
            Map.of(
                "MODELGATES_WEBHOOK_SECRET", "mg_secret", LocalSecrets.TENANTS_ENV, "acme,globex"));
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void stagePrefix_namesTheTenant_andGetJobShowsTheRecord() throws Exception {
    String body = LocalMain.completedEvent("job_staged");
    int status =
        post(
            stack.callbackUrl("acme", Provider.MODELGATES),
            Provider.MODELGATES,
            "mg_secret",
            body,
            "application/json");

    HttpResponse<String> job = get("/jobs/job_staged");

    assertEquals(204, status);
    assertEquals(200, job.statusCode());
    Map<String, Object> record = JSON.std.mapFrom(job.body());
    assertEquals("acme", record.get("tenant"));
    assertEquals("modelgates", record.get("provider"));
    assertEquals("completed", record.get("status"));
  }

  @Test
  void binaryContentType_reachesTheHandlerBase64Encoded_andStillVerifies() throws Exception {
    String body = LocalMain.completedEvent("job_octets");

    int status =
        post(
            stack.callbackUrl("$default", Provider.MODELGATES),
            Provider.MODELGATES,
            "mg_secret",
            body,
            "application/octet-stream");

    assertEquals(204, status);
    assertEquals(200, get("/jobs/job_octets").statusCode());
  }

  @Test
  void jobsListing_filtersByTenant() throws Exception {
    post(
        stack.callbackUrl("globex", Provider.MODELGATES),
        Provider.MODELGATES,
        "mg_secret",
        LocalMain.completedEvent("job_globex"),
        "application/json");

    Map<String, Object> listing = JSON.std.mapFrom(get("/jobs?tenant=globex").body());

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> jobs = (List<Map<String, Object>>) listing.get("jobs");
    assertEquals(1, jobs.size());
    assertEquals("job_globex", jobs.get(0).get("job_id"));
  }

  @Test
  void jobsListing_carriesTheOutputsExpiry_theProviderGave() throws Exception {
    Map<String, Object> event = JSON.std.mapFrom(LocalMain.completedEvent("job_expiring"));
    @SuppressWarnings("unchecked")
    Map<String, Object> data = (Map<String, Object>) event.get("data");
    data.put("expires_at", 1_796_000_000L);
    post(
        stack.callbackUrl("acme", Provider.MODELGATES),
        Provider.MODELGATES,
        "mg_secret",
        JSON.std.asString(event),
        "application/json");

    Map<String, Object> listing = JSON.std.mapFrom(get("/jobs?tenant=acme").body());

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> jobs = (List<Map<String, Object>>) listing.get("jobs");
    Map<String, Object> job =
        jobs.stream().filter(j -> "job_expiring".equals(j.get("job_id"))).findFirst().orElseThrow();
    assertEquals(Instant.ofEpochSecond(1_796_000_000L).toString(), job.get("outputs_expire_at"));
  }

  @Test
  void secrets_areInSecretsManager_underTheTemplatesNamesAndShape_forEachTenantAndTheDefaultStage()
      throws Exception {
    SecretsManagerClient secretsManager =
        MotoServer.configure(SecretsManagerClient.builder(), stack.dynamoDbEndpoint()).build();

    for (String tenant : List.of("acme", "globex", LocalSecrets.DEFAULT_STAGE_TENANT)) {
      assertEquals(
          Map.of("webhook_secret", "mg_secret"),
          secret(secretsManager, "videohook/" + tenant + "/modelgates/webhook"));
      assertEquals(
          Map.of("webhook_secret", LocalVideohook.DEFAULT_SECRET),
          secret(secretsManager, "videohook/" + tenant + "/openrouter/webhook"));
      assertEquals(
          Map.of("api_key", LocalVideohook.SIMULATOR_API_KEY),
          secret(secretsManager, "videohook/" + tenant + "/openrouter/api-key"));
    }
  }

  @Test
  void aStageWithoutSecrets_is503_asADeployedTenantWithoutItsSecret_andWritesNothing()
      throws Exception {
    int status =
        post(
            stack.callbackUrl("initech", Provider.MODELGATES),
            Provider.MODELGATES,
            "mg_secret",
            LocalMain.completedEvent("job_initech"),
            "application/json");

    assertEquals(503, status);
    assertEquals(404, get("/jobs/job_initech").statusCode());
  }

  private static Map<String, Object> secret(SecretsManagerClient client, String name)
      throws Exception {
    return JSON.std.mapFrom(client.getSecretValue(b -> b.secretId(name)).secretString());
  }

  @Test
  void unknownJob_is404_withAMessage() throws Exception {
    HttpResponse<String> response = get("/jobs/no_such_job");

    assertEquals(404, response.statusCode());
    assertTrue(response.body().contains("no job with id no_such_job"));
  }

  @Test
  void jobsAreReadOnly() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(stack.apiBase() + "/jobs/x")).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());

    assertEquals(405, response.statusCode());
  }

  @Test
  void unknownPath_is404() throws Exception {
    int status =
        post(
            URI.create(stack.apiBase() + "/acme/other/video-webhook"),
            Provider.MODELGATES,
            "mg_secret",
            "{}",
            "application/json");

    assertEquals(404, status);
  }

  /** GET {@code path} with exactly the {@code Host} header given: the status line and body. */
  private static String getWithHost(String path, String host) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), stack.apiBase().getPort())) {
      socket
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void dnsRebinding_aForeignHostName_gets421_andNoJobs() throws Exception {
    post(
        stack.callbackUrl("acme", Provider.MODELGATES),
        Provider.MODELGATES,
        "mg_secret",
        LocalMain.completedEvent("job_rebound"),
        "application/json");
    int port = stack.apiBase().getPort();

    String answer = getWithHost("/jobs", "rebind.evil.example:" + port);

    assertTrue(answer.startsWith("HTTP/1.1 421 "), answer);
    assertFalse(answer.contains("job_rebound"), answer);
    assertTrue(getWithHost("/jobs", "127.0.0.1:" + port).contains("job_rebound"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}", "LOCALHOST:{port}"})
  void loopbackHostWithTheServersPort_isServed(String host) throws Exception {
    int port = stack.apiBase().getPort();

    String answer = getWithHost("/jobs", host.replace("{port}", Integer.toString(port)));

    assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "rebind.evil.example:{port}",
        "127.0.0.1.evil.example:{port}",
        "localhost.evil.example:{port}",
        "192.168.1.10:{port}",
        "127.0.0.1:{otherPort}",
        "127.0.0.1",
        "user@127.0.0.1:{port}",
        ""
      })
  void hostThatIsNotThisServerOnTheLoopback_gets421(String host) throws Exception {
    int port = stack.apiBase().getPort();
    String value =
        host.replace("{port}", Integer.toString(port))
            .replace("{otherPort}", Integer.toString(port + 1));

    String answer = getWithHost("/", value);

    assertTrue(answer.startsWith("HTTP/1.1 421 "), answer);
  }

  private static int post(
      URI url, Provider provider, String secret, String body, String contentType) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return HTTP.send(
            HttpRequest.newBuilder(url)
                .header("Content-Type", contentType)
                .header(
                    provider.signatureHeader(),
                    provider.sign(secret, Instant.now().getEpochSecond(), bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(stack.apiBase() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
