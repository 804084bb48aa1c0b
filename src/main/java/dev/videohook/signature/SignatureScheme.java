package dev.videohook.signature;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * How a provider signs its webhooks: what its signature header holds and how it is checked. A
 * provider whose scheme differs is one new implementation, handed to its {@code Provider} constant;
 * the receiver and every signer go through the provider, never through a scheme by name.
 */
public interface SignatureScheme {
  /**
   * The providers' guide's scheme: {@code t=<unix seconds>,v1=<hex>}, HMAC-SHA256 over {@code
   * "<t>,"} and the raw body ({@link SignatureVerifier}).
   */
  SignatureScheme TIMESTAMPED_HMAC_SHA256 =
      new SignatureScheme() {
        @Override
        public VerificationResult verify(
            String header, byte[] rawBody, List<String> secrets, Duration tolerance, Clock clock) {
          return new SignatureVerifier(secrets, tolerance, clock).verify(header, rawBody);
        }

        @Override
        public String sign(String secret, long unixSeconds, byte[] rawBody) {
          return SignatureVerifier.signatureHeader(secret, unixSeconds, rawBody);
        }

        @Override
        public String toString() {
          return "TIMESTAMPED_HMAC_SHA256";
        }
      };

  /**
   * Whether {@code header} (null when absent) signs {@code rawBody} with any of {@code secrets}
   * (current first), within {@code tolerance} of {@code clock} in either direction.
   */
  VerificationResult verify(
      String header, byte[] rawBody, List<String> secrets, Duration tolerance, Clock clock);

  /** The header value a provider would send for {@code rawBody} signed at {@code unixSeconds}. */
  String sign(String secret, long unixSeconds, byte[] rawBody);
}
