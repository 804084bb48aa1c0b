package dev.videohook.egress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlPolicyTest {
  @ParameterizedTest
  @CsvSource({
    "https://cdn.example.com/v.mp4, false, true",
    "http://cdn.example.com/v.mp4, true, false",
    "http://127.0.0.1:8080/v.mp4, false, false",
    "http://127.0.0.1:8080/v.mp4, true, true",
    "http://127.9.9.9/v.mp4, true, true",
    "http://localhost:8080/v.mp4, true, true",
    "http://[::1]:8080/v.mp4, true, true",
    "http://localhost.example.com/v.mp4, true, false",
    "http://10.0.0.1/v.mp4, true, false",
    "ftp://cdn.example.com/v.mp4, true, false",
    "file:///etc/passwd, true, false"
  })
  void isAllowed_shouldAcceptHttpsAndLocalModeLoopbackOnly(
      String url, boolean localMode, boolean allowed) {
    assertEquals(allowed, UrlPolicy.isAllowed(URI.create(url), localMode), url);
  }

  @ParameterizedTest
  @CsvSource({
    "https://openrouter.ai/api/v1, https://openrouter.ai:443/api/v1/videos/x/content, true",
    "https://openrouter.ai/api/v1, https://OPENROUTER.AI/other, true",
    "https://openrouter.ai/api/v1, http://openrouter.ai/api/v1, false",
    "https://openrouter.ai/api/v1, https://openrouter.ai:8443/api/v1, false",
    "https://openrouter.ai/api/v1, https://storage.openrouter.ai/api/v1, false"
  })
  void sameOrigin_shouldCompareSchemeHostAndPort(String a, String b, boolean same) {
    assertEquals(same, UrlPolicy.sameOrigin(URI.create(a), URI.create(b)));
  }

  @org.junit.jupiter.api.Test
  void redacted_shouldDropQueryAndUserInfo() {
    String shown =
        UrlPolicy.redacted(
            URI.create("https://user:pw@cdn.example.com/v/0.mp4?X-Amz-Signature=abc#f"));

    assertEquals("https://cdn.example.com/v/0.mp4", shown);
    assertFalse(shown.contains("abc"));
    assertTrue(UrlPolicy.isLoopback("127.0.0.1"));
  }
}
