package dev.videohook.provider;

import dev.videohook.signature.SignatureScheme;
import dev.videohook.signature.VerificationResult;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a provider's webhook looks like on the wire: the header that carries its signature, the
 * header that carries its idempotency key, and the scheme that signs and verifies. Each {@link
 * Provider} owns one; a provider with other headers or another scheme is one new constant.
 */
public record WireFormat(String signatureHeader, String idempotencyHeader, SignatureScheme scheme) {
  public WireFormat {
    Objects.requireNonNull(signatureHeader, "signatureHeader");
    Objects.requireNonNull(idempotencyHeader, "idempotencyHeader");
    Objects.requireNonNull(scheme, "scheme");
  }

  /** The header value that signs {@code rawBody} at {@code unixSeconds} with {@code secret}. */
  public String sign(String secret, long unixSeconds, byte[] rawBody) {
    return scheme.sign(secret, unixSeconds, rawBody);
  }

  /** Whether the signature header's value (null when absent) signs {@code rawBody}. */
  public VerificationResult verify(
      String signature, byte[] rawBody, List<String> secrets, Duration tolerance, Clock clock) {
    return scheme.verify(signature, rawBody, secrets, tolerance, clock);
  }
}
