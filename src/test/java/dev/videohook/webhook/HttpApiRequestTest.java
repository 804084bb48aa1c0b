package dev.videohook.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpApiRequestTest {

  private static HttpApiRequest read(String json) throws IOException {
    return HttpApiRequest.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void stagedEvent_givesTheStageThePathTheHeadersAndTheBodyAsSent() {
    HttpApiRequest request = HttpApiEvents.load("events/modelgates-completed.json");

    assertEquals("acme", request.stage());
    assertEquals("/acme/modelgates/video-webhook", request.rawPath());
    assertEquals("POST /modelgates/video-webhook", request.routeKey());
    assertTrue(
        request.headers().containsKey("x-modelgates-signature"), request.headers().toString());
    assertTrue(request.body().startsWith("{\"type\":\"video.generation.completed\""));
    assertFalse(request.base64Encoded());
  }

  @Test
  void base64Event_isFlaggedSo_itsBodyLeftEncoded() {
    HttpApiRequest request = HttpApiEvents.load("events/modelgates-completed-base64.json");

    assertTrue(request.base64Encoded());
    assertFalse(request.body().startsWith("{"), request.body());
  }

  @Test
  void writtenAndReadBack_isTheSameRequest() throws IOException {
    HttpApiRequest request =
        new HttpApiRequest(
            "POST /openrouter/video-webhook",
            "/globex/openrouter/video-webhook",
            "globex",
            Map.of("x-openrouter-signature", "t=1,v1=ab", "content-type", "application/json"),
            "{\"a\":1}",
            false);

    assertEquals(request, HttpApiRequest.read(new ByteArrayInputStream(request.toJson())));
  }

  @Test
  void partsLeftOut_orOfAnotherType_areAbsent_andHeadersThatAreNotTextAreDropped()
      throws IOException {
    HttpApiRequest request =
        read(
            "{\"headers\":{\"a\":\"b\",\"n\":1,\"o\":{}},\"body\":7,\"isBase64Encoded\":\"true\"}");

    assertEquals(Map.of("a", "b"), request.headers());
    assertNull(request.body());
    assertNull(request.stage());
    assertNull(request.rawPath());
    assertFalse(request.base64Encoded(), "only the JSON value true says base64");
  }

  @Test
  void eventThatIsJsonNull_isRefused() {
    assertThrows(IOException.class, () -> read("null"));
  }
}
