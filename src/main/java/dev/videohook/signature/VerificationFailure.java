package dev.videohook.signature;

/** Why a signature was rejected. Logged by the receiver; never returned to the caller. */
public enum VerificationFailure {
  /** No signature header, or an empty one. */
  MISSING_HEADER,
  /** No {@code t=} or {@code v1=}, a non-numeric timestamp, or no signature that is valid hex. */
  MALFORMED,
  /** The timestamp is older than the tolerance allows. */
  STALE,
  /** The timestamp is further in the future than the tolerance allows. */
  FUTURE,
  /** Well-formed and on time, but no signature matches any accepted secret. */
  MISMATCH,
  /** No secret is configured, so nothing can be verified. */
  NO_SECRET
}
