package dev.videohook.download;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.videohook.provider.Provider;
import java.util.List;
import org.junit.jupiter.api.Test;

class VideoDownloaderTest {
  private static CompletedJob job(String tenant, String id) {
    return new CompletedJob(tenant, Provider.MODELGATES, id, List.of());
  }

  @Test
  void key_shouldBeTenantProviderJobIndex_withTheExtensionOfTheContentType() {
    assertEquals(
        "acme/modelgates/j1/0.mp4", VideoDownloader.key(job("acme", "j1"), 0, "video/mp4"));
    assertEquals(
        "acme/modelgates/j1/2.webm", VideoDownloader.key(job("acme", "j1"), 2, "video/webm"));
    assertEquals(
        "acme/modelgates/j1/1.mov", VideoDownloader.key(job("acme", "j1"), 1, "video/quicktime"));
    assertEquals(
        "acme/modelgates/j1/0.mp4",
        VideoDownloader.key(job("acme", "j1"), 0, "application/octet-stream"));
  }

  @Test
  void key_shouldEncodeAJobIdThatWouldLeaveItsPrefix() {
    assertEquals(
        "acme/modelgates/..%2Fother%2Fx/0.mp4",
        VideoDownloader.key(job("acme", "../other/x"), 0, "video/mp4"));
    assertEquals(
        "acme/modelgates/%2E%2E/0.mp4", VideoDownloader.key(job("acme", ".."), 0, "video/mp4"));
    assertEquals(
        "$default/modelgates/j1/0.mp4", VideoDownloader.key(job("$default", "j1"), 0, "video/mp4"));
  }
}
