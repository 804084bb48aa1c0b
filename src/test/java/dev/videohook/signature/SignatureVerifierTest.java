package dev.videohook.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The expected signatures are fixed vectors computed outside this code base, with {@code printf
 * '%s' "1764144000,$BODY" | openssl dgst -sha256 -hmac SECRET}.
 */
class SignatureVerifierTest {
  static final long T = 1764144000L;
  static final String BODY =
      "{\"type\":\"video.generation.completed\",\"created_at\":\"2026-11-26T08:00:00Z\","
          + "\"data\":{\"id\":\"job_test\",\"status\":\"completed\","
          + "\"unsigned_urls\":[\"https://example.com/video.mp4\"]}}";

  /** HMAC-SHA256("dev_secret", "1764144000," + BODY). */
  static final String DEV = "9ded31529fec137f1e088707c2fee4f86e3630ed95c64d811f37543981de97bf";

  /** HMAC-SHA256("old_secret", "1764144000," + BODY). */
  static final String OLD = "9f2ba45ca9b583d68bb175481873afc9a58f7b4064c9ba6d8ea78564687420e4";

  /** HMAC-SHA256("dev_secret", "1764144000," + BODY + " "). */
  static final String DEV_FOR_BODY_WITH_SPACE =
      "4c3482e63fc572088549cb14ad78deb10275ef00f0584e7b30a906bd92c7c312";

  static final String ZEROS = "0".repeat(64);

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of("exact header", "t=" + T + ",v1=" + DEV),
        Arguments.of("spaces around parts", "  t=" + T + " ,  v1=" + DEV + "  "),
        Arguments.of("spaces around equals signs", "t = " + T + ", v1 = " + DEV),
        Arguments.of("upper-case hex", "t=" + T + ",v1=" + DEV.toUpperCase()),
        Arguments.of("parts in reverse order", "v1=" + DEV + ",t=" + T),
        Arguments.of("second of two v1 matches", "t=" + T + ",v1=" + ZEROS + ",v1=" + DEV),
        Arguments.of("first of two v1 matches", "t=" + T + ",v1=" + DEV + ",v1=" + ZEROS),
        Arguments.of("unknown schemes ignored", "t=" + T + ",v0=abc,v1=" + DEV + ",v2=" + ZEROS),
        Arguments.of("unknown key without value ignored", "t=" + T + ",flag,v1=" + DEV),
        Arguments.of("undecodable v1 beside a good one", "t=" + T + ",v1=xyz,v1=" + DEV),
        Arguments.of("signed with the previous secret", "t=" + T + ",v1=" + OLD));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void verify_accepts(String description, String header) {
    VerificationResult result =
        verifier(List.of("dev_secret", "old_secret"), 0).verify(header, body());

    assertTrue(result.isVerified(), description + ": " + result);
    assertEquals(T, result.timestamp());
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of("no header", null, VerificationFailure.MISSING_HEADER),
        Arguments.of("empty header", "", VerificationFailure.MISSING_HEADER),
        Arguments.of("blank header", "   ", VerificationFailure.MISSING_HEADER),
        Arguments.of("no timestamp", "v1=" + DEV, VerificationFailure.MALFORMED),
        Arguments.of("no signature", "t=" + T, VerificationFailure.MALFORMED),
        Arguments.of("only a v0 signature", "t=" + T + ",v0=" + DEV, VerificationFailure.MALFORMED),
        Arguments.of("non-numeric timestamp", "t=abc,v1=" + DEV, VerificationFailure.MALFORMED),
        Arguments.of("negative timestamp", "t=-" + T + ",v1=" + DEV, VerificationFailure.MALFORMED),
        Arguments.of(
            "timestamp in exponent form", "t=1.764144e9,v1=" + DEV, VerificationFailure.MALFORMED),
        Arguments.of("empty timestamp", "t=,v1=" + DEV, VerificationFailure.MALFORMED),
        Arguments.of(
            "timestamp too long for a long",
            "t=99999999999999999999,v1=" + DEV,
            VerificationFailure.MALFORMED),
        Arguments.of(
            "two timestamps",
            "t=" + T + ",t=" + (T + 1) + ",v1=" + DEV,
            VerificationFailure.MALFORMED),
        Arguments.of(
            "odd-length signature",
            "t=" + T + ",v1=" + DEV.substring(1),
            VerificationFailure.MALFORMED),
        Arguments.of(
            "non-hex signature",
            "t=" + T + ",v1=" + "zz" + DEV.substring(2),
            VerificationFailure.MALFORMED),
        Arguments.of("empty signature", "t=" + T + ",v1=", VerificationFailure.MALFORMED),
        Arguments.of("not a signature header at all", "hello", VerificationFailure.MALFORMED),
        Arguments.of(
            "signature of another body",
            "t=" + T + ",v1=" + DEV_FOR_BODY_WITH_SPACE,
            VerificationFailure.MISMATCH),
        Arguments.of(
            "signature for another timestamp",
            "t=" + (T + 1) + ",v1=" + DEV,
            VerificationFailure.MISMATCH),
        Arguments.of("all-zero signature", "t=" + T + ",v1=" + ZEROS, VerificationFailure.MISMATCH),
        Arguments.of(
            "truncated, even-length signature",
            "t=" + T + ",v1=" + DEV.substring(0, 62),
            VerificationFailure.MISMATCH),
        Arguments.of(
            "signature with extra bytes",
            "t=" + T + ",v1=" + DEV + "00",
            VerificationFailure.MISMATCH));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void verify_rejects(String description, String header, VerificationFailure expected) {
    VerificationResult result = verifier(List.of("dev_secret"), 0).verify(header, body());

    assertEquals(expected, result.failure().orElse(null), description);
  }

  @Test
  void verify_rejectsSignatureFromAnotherSecret_whenOnlyCurrentIsAccepted() {
    VerificationResult result =
        verifier(List.of("dev_secret"), 0).verify("t=" + T + ",v1=" + OLD, body());

    assertEquals(VerificationFailure.MISMATCH, result.failure().orElseThrow());
  }

  @Test
  void verify_acceptsTimestampsExactlyAtTheToleranceInBothDirections() {
    String header = "t=" + T + ",v1=" + DEV;

    assertTrue(verifier(List.of("dev_secret"), 300).verify(header, body()).isVerified());
    assertTrue(verifier(List.of("dev_secret"), -300).verify(header, body()).isVerified());
  }

  @Test
  void verify_rejectsStaleTimestamp_oneSecondPastTolerance() {
    VerificationResult result =
        verifier(List.of("dev_secret"), 301).verify("t=" + T + ",v1=" + DEV, body());

    assertEquals(VerificationFailure.STALE, result.failure().orElseThrow());
  }

  @Test
  void verify_rejectsFutureTimestamp_oneSecondPastTolerance() {
    VerificationResult result =
        verifier(List.of("dev_secret"), -301).verify("t=" + T + ",v1=" + DEV, body());

    assertEquals(VerificationFailure.FUTURE, result.failure().orElseThrow());
  }

  @Test
  void verify_usesConfiguredTolerance() {
    SignatureVerifier strict =
        new SignatureVerifier(List.of("dev_secret"), Duration.ofSeconds(10), clockAt(T + 11));

    assertEquals(
        VerificationFailure.STALE,
        strict.verify("t=" + T + ",v1=" + DEV, body()).failure().orElseThrow());
  }

  @Test
  void verify_failsWithNoSecret_whenNoneConfigured() {
    VerificationResult result = verifier(List.of(), 0).verify("t=" + T + ",v1=" + DEV, body());

    assertEquals(VerificationFailure.NO_SECRET, result.failure().orElseThrow());
  }

  @Test
  void verify_ignoresEmptySecrets() {
    VerificationResult result = verifier(List.of(""), 0).verify("t=" + T + ",v1=" + DEV, body());

    assertEquals(VerificationFailure.NO_SECRET, result.failure().orElseThrow());
  }

  @Test
  void signatureHeader_matchesTheIndependentVector() {
    assertEquals(
        "t=" + T + ",v1=" + DEV, SignatureVerifier.signatureHeader("dev_secret", T, body()));
  }

  @Test
  void signatureHeader_signsRawBytes_notReencodedText() {
    byte[] latin1 = "{\"x\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
    String header = SignatureVerifier.signatureHeader("dev_secret", T, latin1);

    assertTrue(verifier(List.of("dev_secret"), 0).verify(header, latin1).isVerified());
    assertEquals(
        VerificationFailure.MISMATCH,
        verifier(List.of("dev_secret"), 0)
            .verify(header, "{\"x\":\"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8))
            .failure()
            .orElseThrow());
  }

  private static SignatureVerifier verifier(List<String> secrets, long clockOffsetSeconds) {
    return new SignatureVerifier(
        secrets, SignatureVerifier.DEFAULT_TOLERANCE, clockAt(T + clockOffsetSeconds));
  }

  static Clock clockAt(long unixSeconds) {
    return Clock.fixed(Instant.ofEpochSecond(unixSeconds), ZoneOffset.UTC);
  }

  private static byte[] body() {
    return BODY.getBytes(StandardCharsets.UTF_8);
  }
}
