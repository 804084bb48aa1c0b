package dev.videohook.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.videohook.simulator.GeneratedBytes;
import dev.videohook.testing.SharedMoto;
import dev.videohook.testing.SharedS3;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The local S3 honours S3's conditional write, which the downloader's write-once objects rely on:
 * {@code If-None-Match: *} on a key that holds an object is refused with 412 PreconditionFailed,
 * and the object stays as it was (S3Proxy 2.6, the emulator before, overwrote it).
 */
class LocalS3Test {
  private static final int MIB = 1024 * 1024;
  private static final String KEY = "acme/openrouter/job-1/0.mp4";

  private final S3Client s3 = SharedS3.get().client();
  private final String bucket = SharedS3.newBucket();
  private final byte[] first = GeneratedBytes.bytes(1000);

  private void putFirst() {
    s3.putObject(b -> b.bucket(bucket).key(KEY).ifNoneMatch("*"), RequestBody.fromBytes(first));
  }

  private byte[] stored() {
    return s3.getObjectAsBytes(b -> b.bucket(bucket).key(KEY)).asByteArray();
  }

  @Test
  void putObjectIfNoneMatch_onATakenKey_is412_andTheFirstObjectStays() {
    putFirst();

    S3Exception refused =
        assertThrows(
            S3Exception.class,
            () ->
                s3.putObject(
                    b -> b.bucket(bucket).key(KEY).ifNoneMatch("*"),
                    RequestBody.fromBytes(GeneratedBytes.bytes(2000))));

    assertEquals(412, refused.statusCode());
    assertEquals("PreconditionFailed", refused.awsErrorDetails().errorCode());
    assertArrayEquals(first, stored());
  }

  @Test
  void completeMultipartUploadIfNoneMatch_onATakenKey_is412_andTheFirstObjectStays() {
    putFirst();
    String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(KEY)).uploadId();
    List<CompletedPart> parts =
        List.of(part(uploadId, 1, GeneratedBytes.bytes(5 * MIB)), part(uploadId, 2, first));

    S3Exception refused =
        assertThrows(
            S3Exception.class,
            () ->
                s3.completeMultipartUpload(
                    b ->
                        b.bucket(bucket)
                            .key(KEY)
                            .uploadId(uploadId)
                            .multipartUpload(m -> m.parts(parts))
                            .ifNoneMatch("*")));

    assertEquals(412, refused.statusCode());
    assertEquals("PreconditionFailed", refused.awsErrorDetails().errorCode());
    assertArrayEquals(first, stored());
    s3.abortMultipartUpload(b -> b.bucket(bucket).key(KEY).uploadId(uploadId));
  }

  @Test
  void s3_runsInAMotoProcessOfItsOwn_apartFromDynamoDb() {
    assertNotEquals(SharedMoto.get().pid(), SharedS3.get().server().pid());
  }

  private CompletedPart part(String uploadId, int number, byte[] bytes) {
    String etag =
        s3.uploadPart(
                b -> b.bucket(bucket).key(KEY).uploadId(uploadId).partNumber(number),
                RequestBody.fromBytes(bytes))
            .eTag();
    return CompletedPart.builder().partNumber(number).eTag(etag).build();
  }
}
