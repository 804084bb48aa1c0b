package dev.videohook.signature;

import java.util.Objects;
import java.util.Optional;

/** The outcome of one verification: accepted with its signed timestamp, or a failure reason. */
public final class VerificationResult {
  private final long timestamp;
  private final VerificationFailure failure;

  private VerificationResult(long timestamp, VerificationFailure failure) {
    this.timestamp = timestamp;
    this.failure = failure;
  }

  public static VerificationResult verified(long timestamp) {
    return new VerificationResult(timestamp, null);
  }

  public static VerificationResult rejected(VerificationFailure failure) {
    return new VerificationResult(-1, Objects.requireNonNull(failure));
  }

  public boolean isVerified() {
    return failure == null;
  }

  /** The reason, when rejected. */
  public Optional<VerificationFailure> failure() {
    return Optional.ofNullable(failure);
  }

  /** The signed unix timestamp, when verified. */
  public long timestamp() {
    if (failure != null) {
      throw new IllegalStateException("not verified: " + failure);
    }
    return timestamp;
  }

  @Override
  public String toString() {
    return failure == null ? "verified(t=" + timestamp + ")" : "rejected(" + failure + ")";
  }
}
