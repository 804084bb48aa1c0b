package dev.videohook.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * For any body, the event parser returns a {@link ParsedEvent} or throws {@link
 * InvalidEventException}, nothing else; and what it returns is storable.
 */
class VideoEventPropertyTest {

  @Property(tries = 2000)
  void anyBytes_giveOnlyTypedOutcomes(@ForAll byte[] body) {
    assertTypedOutcome(body);
  }

  @Property(tries = 2000)
  void anyString_givesOnlyTypedOutcomes(@ForAll String body) {
    assertTypedOutcome(body.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 3000)
  void eventShapedJson_givesOnlyTypedOutcomes(@ForAll("eventShaped") String body) {
    assertTypedOutcome(body.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertTypedOutcome(byte[] body) {
    ParsedEvent parsed;
    try {
      parsed = VideoEvent.read(body);
    } catch (InvalidEventException expected) {
      return;
    }
    if (parsed instanceof VideoEvent event) {
      assertTrue(VideoEvent.validJobId(event.jobId()), event.jobId());
      assertTrue(event.unsignedUrls().size() <= VideoEvent.MAX_URLS);
      assertTrue(event.cost() == null || VideoEvent.fitsDynamoDb(event.cost()));
      for (String text : Arrays.asList(event.model(), event.generationId(), event.createdAt())) {
        assertTrue(text == null || text.length() <= VideoEvent.MAX_TEXT_LENGTH);
      }
      assertTrue(event.error() == null || event.error().length() <= VideoEvent.MAX_ERROR_LENGTH);
      assertEquals(event.jobId() + "-" + event.status(), event.dedupeKey());
    } else if (parsed instanceof UnknownEvent unknown) {
      assertTrue(unknown.type().length() <= VideoEvent.MAX_TEXT_LENGTH);
      assertTrue(unknown.jobId() == null || VideoEvent.validJobId(unknown.jobId()));
    }
  }

  @Provide
  Arbitrary<String> eventShaped() {
    Arbitrary<String> number =
        Arbitraries.oneOf(
            Arbitraries.bigDecimals().map(BigDecimal::toString),
            Combinators.combine(
                    Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(45),
                    Arbitraries.integers().between(-2_000_000_000, 2_000_000_000))
                .as((digits, exponent) -> digits + "e" + exponent),
            Arbitraries.of("1e1000000000", "-1e-1000000000", "1e99999999999", "NaN", "-0", "0e5"));
    Arbitrary<String> text =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(40).map(VideoEventPropertyTest::quote),
            Arbitraries.strings()
                .withChars("\\ud800\\udc00\"/#")
                .ofMaxLength(10)
                .map(s -> "\"" + s + "\""));
    Arbitrary<String> scalar =
        Arbitraries.oneOf(number, text, Arbitraries.of("true", "false", "null", "{}", "[]"));
    Arbitrary<String> id =
        Arbitraries.oneOf(
            Arbitraries.strings()
                .withChars("abc_.:-/#")
                .ofMaxLength(300)
                .map(VideoEventPropertyTest::quote),
            scalar);
    Arbitrary<String> type =
        Arbitraries.oneOf(
            Arbitraries.of(EventType.values()).map(t -> quote(t.wireName())),
            Arbitraries.of("\"video.generation.progress\"", "7", "null"));
    Arbitrary<String> status =
        Arbitraries.oneOf(Arbitraries.of(EventType.values()).map(t -> quote(t.status())), scalar);
    Arbitrary<String> urls =
        Arbitraries.oneOf(
            Arbitraries.strings()
                .ofMaxLength(30)
                .map(VideoEventPropertyTest::quote)
                .list()
                .ofMaxSize(20)
                .map(l -> "[" + String.join(",", l) + "]"),
            scalar);
    Arbitrary<String> usage =
        Arbitraries.oneOf(
            Combinators.combine(scalar, scalar)
                .as((cost, byok) -> "{\"cost\":" + cost + ",\"is_byok\":" + byok + "}"),
            scalar);
    return Combinators.combine(type, id, status, urls, usage, scalar, scalar, scalar)
        .as(
            (t, i, s, u, us, model, error, created) ->
                "{\"type\":"
                    + t
                    + ",\"created_at\":"
                    + created
                    + ",\"data\":{\"id\":"
                    + i
                    + ",\"status\":"
                    + s
                    + ",\"unsigned_urls\":"
                    + u
                    + ",\"usage\":"
                    + us
                    + ",\"model\":"
                    + model
                    + ",\"error\":"
                    + error
                    + "}}");
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
