package dev.videohook.egress;

import java.io.EOFException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertificateException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * What a failed connection or transfer means, in the words of someone who has to act on it, with
 * its numbers ("the host refused the connection", "no answer within 30 s", "the body ended after N
 * of M bytes"). An exception's class name never reaches a user: these sentences are what the job's
 * reason, the console and the CLI show. Only the exception's type (and its causes' types) decides
 * the sentence; its message, which a JDK or client may fill with a header value, is never quoted.
 */
public final class TransportFailures {
  /** How far a call had got when it failed. */
  public enum Stage {
    /** Opening the TCP connection. */
    CONNECTING,
    /** The TLS handshake, on an open connection. */
    TLS,
    /** The request is sent (or being sent): waiting for the status line and headers. */
    WAITING,
    /** Not known (a client that does not say). */
    UNKNOWN
  }

  private TransportFailures() {}

  /**
   * Why a call got no answer (no status line and headers).
   *
   * @param connectTimeout how long a connection may take, for "no connection within S s"
   * @param responseTimeout how long an answer may take once connected, for "no answer within S s"
   */
  public static String beforeAnswer(
      Throwable failure, Stage stage, Duration connectTimeout, Duration responseTimeout) {
    if (has(failure, UnknownHostException.class)) {
      return "its host name does not resolve (DNS)";
    }
    if (has(failure, NoRouteToHostException.class)) {
      return "no route to the host";
    }
    if (has(failure, ConnectException.class)) {
      return "the host refused the connection";
    }
    if (has(failure, SSLPeerUnverifiedException.class)) {
      return "the TLS handshake failed: the host's certificate does not name it";
    }
    if (has(failure, CertificateException.class)) {
      return "the TLS handshake failed: the host's certificate is not trusted";
    }
    if (has(failure, SSLException.class) || stage == Stage.TLS) {
      return "the TLS handshake failed (does the host speak TLS on that port?)";
    }
    if (has(failure, HttpConnectTimeoutException.class)
        || (stage == Stage.CONNECTING && isTimeout(failure))) {
      return "no connection within " + seconds(connectTimeout);
    }
    if (isTimeout(failure)) {
      return "no answer within " + seconds(responseTimeout);
    }
    if (stage == Stage.CONNECTING) {
      return "could not connect to the host";
    }
    if (has(failure, SocketException.class)) {
      return "the connection broke before an answer";
    }
    return "the connection closed before an answer";
  }

  /**
   * Why a body could not be read to its end.
   *
   * @param read the bytes read before the failure
   * @param declared the declared length (Content-Length), or -1 when none was declared
   * @param idleTimeout how long a read may wait for data, for "no data for S s"
   */
  public static String duringBody(
      Throwable failure, long read, long declared, Duration idleTimeout) {
    String progress = declared >= 0 ? read + " of " + declared + " bytes" : read + " bytes";
    if (isTimeout(failure)) {
      return "no data for " + seconds(idleTimeout) + " after " + progress;
    }
    if (has(failure, SocketException.class)) {
      return "the connection broke after " + progress;
    }
    if (declared < 0 && !has(failure, EOFException.class)) {
      return "the body ended after " + progress + ", before its last chunk";
    }
    return "the body ended after " + progress;
  }

  /**
   * A body whose size is not the size declared.
   *
   * @return "the body ended after N of M bytes", or "the body held N bytes, M declared"
   */
  public static String lengthMismatch(long read, long declared) {
    return read < declared
        ? "the body ended after " + read + " of " + declared + " bytes"
        : "the body held " + read + " bytes, " + declared + " declared";
  }

  /** "30 s", "0.5 s": a duration as a person reads it. */
  public static String seconds(Duration duration) {
    BigDecimal s = BigDecimal.valueOf(duration.toMillis()).movePointLeft(3).stripTrailingZeros();
    return s.toPlainString() + " s";
  }

  private static boolean isTimeout(Throwable failure) {
    return has(failure, SocketTimeoutException.class) || has(failure, HttpTimeoutException.class);
  }

  private static boolean has(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
