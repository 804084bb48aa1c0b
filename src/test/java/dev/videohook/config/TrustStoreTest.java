package dev.videohook.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Comparator;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** The trust managers loaded in the background are the JVM's defaults, whenever they are asked. */
class TrustStoreTest {
  @Test
  void trustManagers_trustExactlyTheJvmsDefaultCertificateAuthorities() throws Exception {
    TrustStore.startLoading();
    TrustStore.startLoading(); // a second start reuses the first load

    TrustManagerFactory defaults =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    defaults.init((KeyStore) null);

    X509Certificate[] expected = issuers(defaults.getTrustManagers());
    X509Certificate[] loaded = issuers(TrustStore.trustManagers());
    assertTrue(expected.length > 0, "the JVM trusts no certificate authority");
    assertArrayEquals(expected, loaded);
    assertEquals(1, TrustStore.trustManagers().length);
  }

  private static X509Certificate[] issuers(TrustManager[] managers) {
    X509Certificate[] issuers =
        Arrays.stream(managers)
            .filter(X509TrustManager.class::isInstance)
            .map(X509TrustManager.class::cast)
            .flatMap(m -> Arrays.stream(m.getAcceptedIssuers()))
            .toArray(X509Certificate[]::new);
    Arrays.sort(issuers, Comparator.comparing(c -> c.getSubjectX500Principal().getName()));
    return issuers;
  }
}
