package dev.videohook.cli;

import dev.videohook.provider.Provider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** One webhook delivery, signed now and POSTed as the provider sends it: send-test and smoke. */
final class SignedPost {
  private SignedPost() {}

  /**
   * @param unreachable what to check when the receiver cannot be reached, said after its address
   * @return the receiver's HTTP status
   */
  static int send(
      URI target,
      Provider provider,
      String secret,
      String dedupeKey,
      byte[] body,
      String unreachable)
      throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header(
                provider.signatureHeader(),
                provider.sign(secret, Instant.now().getEpochSecond(), body))
            .header(provider.idempotencyHeader(), dedupeKey)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    try {
      return HttpClient.newHttpClient()
          .send(request, HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      throw new CliException(
          ExitCode.FAILED,
          "cannot reach " + target + " (" + e.getClass().getSimpleName() + ")" + unreachable);
    }
  }
}
