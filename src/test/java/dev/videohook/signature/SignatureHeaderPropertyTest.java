package dev.videohook.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** For any header and body, the verifier answers with a typed result, never an exception. */
class SignatureHeaderPropertyTest {
  private static final long NOW = 1764144000L;
  private static final SignatureVerifier VERIFIER =
      new SignatureVerifier(
          List.of("dev_secret"),
          Duration.ofSeconds(300),
          Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

  @Property(tries = 2000)
  void anyHeader_givesATypedResult(@ForAll String header, @ForAll byte[] body) {
    VerificationResult result = VERIFIER.verify(header, body);

    assertNotNull(result);
    // nothing random is a valid signature
    assertFalse(result.isVerified());
    assertTrue(result.failure().isPresent());
  }

  @Property(tries = 2000)
  void headerShapedInput_givesATypedResult(
      @ForAll("headerShaped") String header, @ForAll byte[] body) {
    VerificationResult result = VERIFIER.verify(header, body);

    assertFalse(result.isVerified());
    assertTrue(result.failure().isPresent());
  }

  @Property(tries = 500)
  void aValidSignature_survivesAddedNoise(
      @ForAll byte[] body, @ForAll("noiseParts") List<String> noise) {
    String header = SignatureVerifier.signatureHeader("dev_secret", NOW, body);
    String noisy = header + (noise.isEmpty() ? "" : "," + String.join(",", noise));

    VerificationResult result = VERIFIER.verify(noisy, body);

    assertTrue(result.isVerified(), noisy);
    assertEquals(NOW, result.timestamp());
  }

  @Provide
  Arbitrary<String> headerShaped() {
    Arbitrary<String> key = Arbitraries.of("t", "v1", "v0", " t ", "", "T", "v1 ", "=");
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.strings().numeric().ofMaxLength(25),
            Arbitraries.strings().withChars("0123456789abcdefABCDEF-+ ").ofMaxLength(70),
            Arbitraries.strings().ofMaxLength(20),
            Arbitraries.longs().map(String::valueOf));
    Arbitrary<String> part = Combinators.combine(key, value).as((k, v) -> k + "=" + v);
    return part.list().ofMaxSize(6).map(parts -> String.join(",", parts));
  }

  @Provide
  Arbitrary<List<String>> noiseParts() {
    return Arbitraries.oneOf(
            Arbitraries.strings().alpha().ofMaxLength(10).map(v -> "v2=" + v),
            Arbitraries.strings()
                .withChars("ghijk")
                .ofMinLength(1)
                .ofMaxLength(8)
                .map(v -> "v1=" + v),
            Arbitraries.strings().alpha().ofMaxLength(10))
        .list()
        .ofMaxSize(4);
  }
}
