package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.testing.SharedMoto;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * moto accepts any signature, so the launcher serves SDK clients only: a web page open in the
 * operator's browser while the local stack runs (a cross-origin script, or DNS rebinding that
 * points the page's own name at 127.0.0.1) cannot read the local secrets or tables. Requests are
 * sent raw, with exactly the headers a browser would send.
 */
class MotoBrowserGuardTest {
  private static final String SECRET_VALUE = "whsec_local_" + UUID.randomUUID();

  private String secretName;
  private int port;

  @BeforeEach
  void secret() {
    MotoServer moto = SharedMoto.get();
    port = moto.endpoint().getPort();
    secretName = "guard-" + UUID.randomUUID();
    try (SecretsManagerClient secrets = moto.secretsClient()) {
      secrets.createSecret(b -> b.name(secretName).secretString(SECRET_VALUE));
    }
  }

  /** An HTTP answer: its status, its header lines (lower case) and its body. */
  private record Answer(int status, String headers, String body) {
    boolean hasCorsHeader() {
      return headers.contains("access-control-");
    }
  }

  private Answer send(String method, String host, String extraHeaders, String body)
      throws IOException {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    String request =
        method
            + " / HTTP/1.1\r\n"
            + "Host: "
            + host
            + "\r\n"
            + extraHeaders
            + "Content-Length: "
            + content.length
            + "\r\nConnection: close\r\n\r\n";
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.write(content);
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int split = response.indexOf("\r\n\r\n");
      String head = response.substring(0, split);
      return new Answer(
          Integer.parseInt(head.substring(9, 12)),
          head.toLowerCase(Locale.ROOT),
          response.substring(split + 4));
    }
  }

  /** GetSecretValue as the SDK sends it (the signature is never checked by moto). */
  private Answer getSecretValue(String host, String browserHeaders) throws IOException {
    return send(
        "POST",
        host,
        "X-Amz-Target: secretsmanager.GetSecretValue\r\n"
            + "Content-Type: application/x-amz-json-1.1\r\n"
            + "Authorization: AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/secretsmanager"
            + "/aws4_request, SignedHeaders=host, Signature=00\r\n"
            + browserHeaders,
        "{\"SecretId\":\"" + secretName + "\"}");
  }

  private String loopbackHost() {
    return "127.0.0.1:" + port;
  }

  @Test
  void sdkShapedRequest_isServed() throws IOException {
    Answer answer = getSecretValue(loopbackHost(), "");

    assertEquals(200, answer.status(), answer.body());
    assertTrue(answer.body().contains(SECRET_VALUE), answer.body());
  }

  @Test
  void sdkShapedRequestToLocalhost_isServed() throws IOException {
    Answer answer = getSecretValue("localhost:" + port, "");

    assertEquals(200, answer.status(), answer.body());
  }

  @Test
  void crossOriginRequest_isRefused_andAllowsNoOrigin() throws IOException {
    Answer answer =
        getSecretValue(
            loopbackHost(),
            "Origin: https://evil.example\r\nSec-Fetch-Mode: cors\r\nSec-Fetch-Site: cross-site\r\n");

    assertEquals(403, answer.status());
    assertFalse(answer.hasCorsHeader(), answer.headers());
    assertFalse(answer.body().contains(SECRET_VALUE), answer.body());
  }

  @Test
  void requestWithAnOriginAlone_isRefused() throws IOException {
    Answer answer = getSecretValue(loopbackHost(), "Origin: http://127.0.0.1:3000\r\n");

    assertEquals(403, answer.status());
    assertFalse(answer.body().contains(SECRET_VALUE), answer.body());
  }

  @Test
  void preflight_isRefused_withoutCorsHeaders() throws IOException {
    Answer answer =
        send(
            "OPTIONS",
            loopbackHost(),
            "Origin: https://evil.example\r\n"
                + "Access-Control-Request-Method: POST\r\n"
                + "Access-Control-Request-Headers: x-amz-target, content-type\r\n",
            "");

    assertEquals(403, answer.status());
    assertFalse(answer.hasCorsHeader(), answer.headers());
  }

  @Test
  void dnsRebinding_aForeignHostName_isRefused() throws IOException {
    // the page's own name now resolves to 127.0.0.1: its script's requests are same-origin to it
    Answer answer = getSecretValue("rebind.evil.example:" + port, "");

    assertEquals(403, answer.status());
    assertFalse(answer.body().contains(SECRET_VALUE), answer.body());
  }

  @Test
  void sameOriginScriptOfARebindingPage_isRefused_byItsFetchMetadata() throws IOException {
    Answer answer =
        getSecretValue(loopbackHost(), "Sec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: cors\r\n");

    assertEquals(403, answer.status());
  }

  @Test
  void linkOpenedFromALocalPage_isServed() throws IOException {
    // a presigned link on the local jobs page (when moto serves S3): a navigation, which no
    // script can read the answer of
    Answer answer =
        send(
            "GET",
            loopbackHost(),
            "Sec-Fetch-Site: same-site\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: document\r\n",
            "");

    assertTrue(answer.status() != 403, answer.status() + " " + answer.body());
  }

  @Test
  void linkOpenedFromAnotherSite_isRefused() throws IOException {
    Answer answer =
        send(
            "GET",
            loopbackHost(),
            "Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: document\r\n",
            "");

    assertEquals(403, answer.status());
  }
}
