package dev.videohook.config;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The JVM's default trust managers (its CA certificates), loaded on a thread of their own as soon
 * as init starts. Reading and parsing the certificates takes about a tenth of a second of a cold
 * start and needs nothing else from init, so it runs beside the configuration, logging and AWS SDK
 * class loading instead of before the first client can be built.
 */
public final class TrustStore {
  private static CompletableFuture<TrustManager[]> loading;

  private TrustStore() {}

  /** Starts loading the trust managers in the background; later calls do nothing. */
  public static synchronized void startLoading() {
    if (loading == null) {
      loading = CompletableFuture.supplyAsync(TrustStore::load, TrustStore::runOnDaemonThread);
    }
  }

  /** The trust managers, waiting for the background load if one is under way. */
  static TrustManager[] trustManagers() {
    startLoading();
    return loading.join();
  }

  private static TrustManager[] load() {
    try {
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      TrustManager[] managers = factory.getTrustManagers();
      // a throwaway context loads and initialises the TLS classes the clients' own contexts need
      SSLContext.getInstance("TLS").init(null, managers, null);
      return managers;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM's default trust store cannot be read", e);
    }
  }

  private static void runOnDaemonThread(Runnable task) {
    Thread thread = new Thread(task, "videohook-trust-store");
    thread.setDaemon(true);
    thread.start();
  }
}
