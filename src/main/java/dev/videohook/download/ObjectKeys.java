package dev.videohook.download;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where a video is stored and what it is stored as: the key {@code
 * {tenant}/{provider}/{jobId}/{index}.{ext}}, the extension following the content type, and the
 * content type itself, one of the allowed video types or {@code application/octet-stream}.
 */
final class ObjectKeys {
  private ObjectKeys() {}

  /** What a source that names no allowed video type is stored as. */
  static final String UNKNOWN_CONTENT_TYPE = "application/octet-stream";

  /** S3's limit on an object key, in UTF-8 bytes. */
  static final int MAX_KEY_BYTES = 1024;

  /** The video types stored as themselves, each with its key's extension. */
  private static final Map<String, String> EXTENSIONS =
      Map.of(
          "video/mp4", "mp4",
          "video/webm", "webm",
          "video/quicktime", "mov",
          "video/x-matroska", "mkv",
          "video/mpeg", "mpg");

  /** The key of output {@code index}: {@code mp4} for a type that is not an allowed video type. */
  static String key(CompletedJob job, int index, String contentType) {
    String ext = EXTENSIONS.getOrDefault(contentType, "mp4");
    return pathSegment(job.tenant())
        + "/"
        + job.provider().id()
        + "/"
        + pathSegment(job.jobId())
        + "/"
        + index
        + "."
        + ext;
  }

  /**
   * Every key this job can get must fit S3's 1,024 bytes; a job id too long for that can never be
   * stored, so it fails at once, before anything is fetched.
   */
  static void requireKeysFit(CompletedJob job, int sources) {
    int longest = 0;
    for (String type : EXTENSIONS.keySet()) {
      longest =
          Math.max(longest, key(job, sources - 1, type).getBytes(StandardCharsets.UTF_8).length);
    }
    if (longest > MAX_KEY_BYTES) {
      throw DownloadException.refused(
          "refused: the job id makes an S3 key of "
              + longest
              + " bytes, over S3's "
              + MAX_KEY_BYTES);
    }
  }

  /**
   * The media type of a Content-Type header when it is one of the allowed video types, otherwise
   * {@code application/octet-stream}: what is stored never claims more than it is.
   */
  static String allowedContentType(String header) {
    return Optional.ofNullable(header)
        .map(v -> v.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))
        .filter(EXTENSIONS::containsKey)
        .orElse(UNKNOWN_CONTENT_TYPE);
  }

  /** Unreserved characters as they are, everything else percent-encoded (UTF-8). */
  static String pathSegment(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || c == '$') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    String encoded = out.toString();
    return encoded.equals(".") || encoded.equals("..") ? encoded.replace(".", "%2E") : encoded;
  }
}
