package dev.videohook.signature;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies and produces webhook signatures: header {@code t=<unix seconds>,v1=<hex>}, where the hex
 * is HMAC-SHA256(secret, {@code "<t>,"} followed by the raw body bytes).
 *
 * <p>Beyond the provider's guide: any of several {@code v1=} entries may match, several secrets are
 * accepted (current and previous, while a secret is rotated), and the tolerance applies to future
 * timestamps as well as past ones. Pure Java, no AWS, thread-safe.
 */
public final class SignatureVerifier {
  public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(300);

  private static final String HMAC = "HmacSHA256";
  private static final int SHA256_BYTES = 32;
  private static final int MAX_TIMESTAMP_DIGITS = 12;

  private final List<byte[]> secrets;
  private final long toleranceSeconds;
  private final Clock clock;

  /**
   * @param secrets the accepted secrets, current first; empty means every verification fails with
   *     {@link VerificationFailure#NO_SECRET}
   */
  public SignatureVerifier(List<String> secrets, Duration tolerance, Clock clock) {
    if (tolerance.isNegative()) {
      throw new IllegalArgumentException("tolerance must not be negative");
    }
    List<byte[]> keys = new ArrayList<>();
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        keys.add(secret.getBytes(StandardCharsets.UTF_8));
      }
    }
    this.secrets = List.copyOf(keys);
    this.toleranceSeconds = tolerance.toSeconds();
    this.clock = clock;
  }

  public SignatureVerifier(List<String> secrets) {
    this(secrets, DEFAULT_TOLERANCE, Clock.systemUTC());
  }

  public VerificationResult verify(String header, byte[] rawBody) {
    if (header == null || header.isBlank()) {
      return VerificationResult.rejected(VerificationFailure.MISSING_HEADER);
    }
    if (secrets.isEmpty()) {
      return VerificationResult.rejected(VerificationFailure.NO_SECRET);
    }
    String timestampText = null;
    List<byte[]> candidates = new ArrayList<>();
    for (String part : header.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (key.equals("t")) {
        if (timestampText != null) {
          return VerificationResult.rejected(VerificationFailure.MALFORMED);
        }
        timestampText = value;
      } else if (key.equals("v1")) {
        byte[] decoded = decodeHex(value);
        if (decoded != null) {
          candidates.add(decoded);
        }
      }
      // unknown schemes (v0, v2, ...) are ignored so that the sender can add them
    }
    if (timestampText == null || !isUnsignedNumber(timestampText) || candidates.isEmpty()) {
      return VerificationResult.rejected(VerificationFailure.MALFORMED);
    }
    long timestamp = Long.parseLong(timestampText);
    long now = clock.instant().getEpochSecond();
    if (now - timestamp > toleranceSeconds) {
      return VerificationResult.rejected(VerificationFailure.STALE);
    }
    if (timestamp - now > toleranceSeconds) {
      return VerificationResult.rejected(VerificationFailure.FUTURE);
    }
    for (byte[] secret : secrets) {
      byte[] expected = hmac(secret, timestampText, rawBody);
      for (byte[] candidate : candidates) {
        // constant time for equal lengths; the length of a SHA-256 MAC is no secret
        if (candidate.length == SHA256_BYTES && MessageDigest.isEqual(expected, candidate)) {
          return VerificationResult.verified(timestamp);
        }
      }
    }
    return VerificationResult.rejected(VerificationFailure.MISMATCH);
  }

  /** The header value a provider would send for {@code rawBody} signed at {@code unixSeconds}. */
  public static String signatureHeader(String secret, long unixSeconds, byte[] rawBody) {
    String t = Long.toString(unixSeconds);
    byte[] mac = hmac(secret.getBytes(StandardCharsets.UTF_8), t, rawBody);
    return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac);
  }

  private static byte[] hmac(byte[] secret, String timestampText, byte[] rawBody) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(secret, HMAC));
      mac.update((timestampText + ",").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(rawBody);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }

  private static boolean isUnsignedNumber(String text) {
    if (text.isEmpty() || text.length() > MAX_TIMESTAMP_DIGITS) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static byte[] decodeHex(String value) {
    if (value.isEmpty() || value.length() % 2 != 0) {
      return null;
    }
    try {
      return HexFormat.of().parseHex(value);
    } catch (IllegalArgumentException notHex) {
      return null;
    }
  }
}
