package dev.videohook.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.videohook.signature.SignatureScheme;
import dev.videohook.signature.VerificationFailure;
import dev.videohook.signature.VerificationResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Adding a provider is one {@link Provider} constant (and the template's provider list): its wire
 * format is a value it owns, and no code lists the providers or spells a header by hand.
 */
class ProviderVocabularyTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

  /** A throwaway third provider's scheme: {@code sha256=<hex HMAC of the body>}, no timestamp. */
  private static final SignatureScheme BODY_HMAC =
      new SignatureScheme() {
        @Override
        public VerificationResult verify(
            String header, byte[] rawBody, List<String> secrets, Duration tolerance, Clock clock) {
          for (String secret : secrets) {
            if (sign(secret, 0, rawBody).equals(header)) {
              return VerificationResult.verified(0);
            }
          }
          return VerificationResult.rejected(VerificationFailure.MISMATCH);
        }

        @Override
        public String sign(String secret, long unixSeconds, byte[] rawBody) {
          try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(rawBody));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      };

  @Test
  void aProviderWithAnotherHeaderAndScheme_isOneWireFormatValue() {
    WireFormat third = new WireFormat("X-Acme-Hook-Signature", "X-Acme-Hook-Id", BODY_HMAC);
    byte[] body = "{\"type\":\"video.generation.completed\"}".getBytes(StandardCharsets.UTF_8);

    String header = third.sign("s3cret", CLOCK.instant().getEpochSecond(), body);

    assertTrue(header.startsWith("sha256="), header);
    assertTrue(
        third
            .verify(header, body, List.of("old", "s3cret"), Duration.ofMinutes(5), CLOCK)
            .isVerified());
    assertEquals(
        VerificationFailure.MISMATCH,
        third
            .verify(header, body, List.of("other"), Duration.ofMinutes(5), CLOCK)
            .failure()
            .orElseThrow());
  }

  @Test
  void everyProvider_signsWhatItVerifies_underItsOwnHeader() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    for (Provider provider : Provider.values()) {
      String header = provider.sign("s3cret", CLOCK.instant().getEpochSecond(), body);
      assertTrue(
          provider
              .wire()
              .verify(header, body, List.of("s3cret"), Duration.ofMinutes(5), CLOCK)
              .isVerified(),
          provider.id());
    }
    assertEquals(
        Provider.values().length,
        Stream.of(Provider.values()).map(Provider::signatureHeader).distinct().count(),
        "each provider has its own signature header");
  }

  @Test
  void noCodeOutsideProvider_listsTheProviders_orSpellsTheirHeaders() throws IOException {
    List<String> offences = new ArrayList<>();
    for (Path root : List.of(Path.of("src/main/java"), Path.of("src/local/java"))) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          if (file.endsWith(Path.of("dev/videohook/provider/Provider.java"))) {
            continue;
          }
          for (String literal : stringLiterals(Files.readString(file))) {
            String text = literal.toLowerCase(Locale.ROOT);
            long named = Stream.of(Provider.values()).filter(p -> text.contains(p.id())).count();
            boolean header =
                Stream.of(Provider.values())
                    .anyMatch(
                        p ->
                            text.contains(p.signatureHeader().toLowerCase(Locale.ROOT))
                                || text.contains(p.idempotencyHeader().toLowerCase(Locale.ROOT)));
            if (named > 1 || header || text.contains("-signature")) {
              offences.add(root.relativize(file) + ": " + literal);
            }
          }
        }
      }
    }
    assertEquals(
        List.of(),
        offences,
        "derive provider lists from Provider.values() (picocli: ${COMPLETION-CANDIDATES}) and"
            + " headers from Provider.wire()");
  }

  /**
   * The string literals of a Java source, those joined by {@code +} taken as one (a list split
   * across lines is still a list).
   */
  private static List<String> stringLiterals(String source) {
    Matcher m =
        Pattern.compile(
                "\"((?:[^\"\\\\\\n]|\\\\.)*)\"((?:\\s*\\+\\s*\"(?:[^\"\\\\\\n]|\\\\.)*\")*)")
            .matcher(source);
    List<String> literals = new ArrayList<>();
    while (m.find()) {
      literals.add(m.group().replaceAll("\"\\s*\\+\\s*\"", ""));
    }
    return literals;
  }
}
