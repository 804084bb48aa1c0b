package dev.videohook.download;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videohook.provider.Provider;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {
  private static CompletedJob job(String tenant, String id) {
    return new CompletedJob(tenant, Provider.MODELGATES, id, List.of());
  }

  @Test
  void key_shouldBeTenantProviderJobIndex_withTheExtensionOfTheContentType() {
    assertEquals("acme/modelgates/j1/0.mp4", ObjectKeys.key(job("acme", "j1"), 0, "video/mp4"));
    assertEquals("acme/modelgates/j1/2.webm", ObjectKeys.key(job("acme", "j1"), 2, "video/webm"));
    assertEquals(
        "acme/modelgates/j1/1.mov", ObjectKeys.key(job("acme", "j1"), 1, "video/quicktime"));
    assertEquals(
        "acme/modelgates/j1/0.mp4",
        ObjectKeys.key(job("acme", "j1"), 0, "application/octet-stream"));
  }

  @Test
  void key_shouldEncodeAJobIdThatWouldLeaveItsPrefix() {
    assertEquals(
        "acme/modelgates/..%2Fother%2Fx/0.mp4",
        ObjectKeys.key(job("acme", "../other/x"), 0, "video/mp4"));
    assertEquals("acme/modelgates/%2E%2E/0.mp4", ObjectKeys.key(job("acme", ".."), 0, "video/mp4"));
    assertEquals(
        "$default/modelgates/j1/0.mp4", ObjectKeys.key(job("$default", "j1"), 0, "video/mp4"));
  }

  @Test
  void allowedContentType_shouldKeepAnAllowedVideoType_andStoreAnythingElseAsOctetStream() {
    assertEquals("video/mp4", ObjectKeys.allowedContentType("Video/MP4; codecs=avc1"));
    assertEquals("video/webm", ObjectKeys.allowedContentType("video/webm"));
    assertEquals(ObjectKeys.UNKNOWN_CONTENT_TYPE, ObjectKeys.allowedContentType("text/html"));
    assertEquals(ObjectKeys.UNKNOWN_CONTENT_TYPE, ObjectKeys.allowedContentType(null));
  }

  @Test
  void requireKeysFit_shouldRefuseAJobIdTooLongForAnS3Key() {
    ObjectKeys.requireKeysFit(job("acme", "j".repeat(900)), 3);
    DownloadException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            DownloadException.class,
            () -> ObjectKeys.requireKeysFit(job("acme", "j".repeat(1100)), 1));
    org.junit.jupiter.api.Assertions.assertTrue(e.isRefused());
  }
}
