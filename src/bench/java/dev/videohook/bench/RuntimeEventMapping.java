package dev.videohook.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

/**
 * What the Lambda Java runtime does around a {@code RequestHandler<APIGatewayV2HTTPEvent,
 * APIGatewayV2HTTPResponse>}, the webhook's handler before it read the event's JSON itself: the
 * event's JSON mapped onto aws-lambda-java-events' class by the runtime's own serialization library
 * (aws-lambda-java-serialization), and the response mapped back. Loaded by {@link ColdStartProbe}
 * only in its {@code runtime-mapped} runs, whose class path adds those two libraries.
 */
final class RuntimeEventMapping {
  private RuntimeEventMapping() {}

  /** Maps {@code event} in and a 204 out as the runtime would; the milliseconds it took. */
  static long roundTripMillis(byte[] event) {
    long start = System.nanoTime();
    ClassLoader loader = RuntimeEventMapping.class.getClassLoader();
    PojoSerializer<APIGatewayV2HTTPEvent> in =
        LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, loader);
    APIGatewayV2HTTPEvent mapped = in.fromJson(new ByteArrayInputStream(event));
    if (mapped.getBody() == null) {
      throw new IllegalStateException("the runtime's mapping lost the body");
    }
    PojoSerializer<APIGatewayV2HTTPResponse> out =
        LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, loader);
    out.toJson(
        APIGatewayV2HTTPResponse.builder().withStatusCode(204).build(),
        new ByteArrayOutputStream());
    return (System.nanoTime() - start) / 1_000_000;
  }
}
