package dev.videohook.download;

import dev.videohook.egress.TransportFailures;
import dev.videohook.job.StoredObject;
import dev.videohook.retry.Deadline;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Copies a stream of unknown or known length into one S3 object with bounded memory.
 *
 * <p>Why this shape: the synchronous {@link S3Client} on the URL-connection HTTP client, driven
 * part by part from a few buffers of {@link #partSize} bytes that are refilled for every part:
 * while up to {@link #PARTS_IN_FLIGHT} parts upload, the next one is read. Memory is bounded by the
 * part size times the buffers (the URL-connection client streams each part from its buffer at a
 * fixed length), never by the video's size. Every failure, whatever its cause, ends in an explicit
 * AbortMultipartUpload, so no half-written object and no dangling upload stays in the bucket;
 * CompleteMultipartUpload is only called once every byte has arrived and matched the declared
 * length. The SDK's async multipart client and the transfer manager would need Netty or the CRT in
 * the Lambda artifact and bring their own buffering; the sync path needs neither. Checksum
 * calculation and validation are set to WHEN_REQUIRED on the client (see {@link
 * dev.videohook.config.AwsClients#s3}), which both S3 and the local emulator accept; the SHA-256 of
 * the content is computed here, while streaming.
 *
 * <p>A stream that ends inside the first buffer is stored with one PutObject.
 *
 * <p>A stored object is written once: PutObject and CompleteMultipartUpload carry {@code
 * If-None-Match: *}, so a key that already holds an object (another writer of the same job got
 * there first) keeps it, and the object returned describes the bytes S3 holds, read back, not the
 * ones this upload read from its source.
 */
public final class StreamingUploader {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingUploader.class);

  /** The part size: S3 requires at least 5 MiB for every part but the last. */
  public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;

  private static final int MIN_PART_SIZE = 5 * 1024 * 1024;

  /**
   * {@code If-None-Match: *}: S3 stores the object only if the key holds none, so a stored video is
   * written once and never replaced, whoever writes it later.
   */
  private static final String ANY_OBJECT = "*";

  private static final int HTTP_PRECONDITION_FAILED = 412;

  /** The buffer an object already in S3 is read back through. */
  private static final int READ_BACK_CHUNK = 64 * 1024;

  /**
   * Parts uploading while the next one is read. Two keep a link to S3 busy while the source is
   * read; more would only add memory.
   */
  static final int PARTS_IN_FLIGHT = 2;

  /**
   * Upload threads, shared by every upload of this uploader; daemon threads, so that they never
   * keep a JVM alive.
   */
  private final ExecutorService uploads = uploadThreads();

  /** Every object is a download, never rendered inline by a browser that opens its URL. */
  static final String CONTENT_DISPOSITION = "attachment";

  private final S3Client s3;
  private final String bucket;
  private final int partSize;

  public StreamingUploader(S3Client s3, String bucket) {
    this(s3, bucket, DEFAULT_PART_SIZE);
  }

  public StreamingUploader(S3Client s3, String bucket, int partSize) {
    if (partSize < MIN_PART_SIZE) {
      throw new IllegalArgumentException("part size must be at least 5 MiB");
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.partSize = partSize;
  }

  private static ExecutorService uploadThreads() {
    ThreadPoolExecutor threads =
        new ThreadPoolExecutor(
            PARTS_IN_FLIGHT,
            PARTS_IN_FLIGHT,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            runnable -> {
              Thread thread = new Thread(runnable, "s3-part-upload");
              thread.setDaemon(true);
              return thread;
            });
    // idle uploaders hold no threads
    threads.allowCoreThreadTimeOut(true);
    return threads;
  }

  public String bucket() {
    return bucket;
  }

  public int partSize() {
    return partSize;
  }

  /**
   * Streams {@code in} into {@code key}.
   *
   * @param declaredLength the source's Content-Length, or -1 when unknown; the bytes read must
   *     match it
   * @param maxBytes the largest object accepted
   * @throws IOException when reading the source fails (the upload is aborted)
   * @throws DownloadException when the source is shorter than declared (transient) or too large
   */
  public StoredObject upload(
      String key, String contentType, InputStream in, long declaredLength, long maxBytes)
      throws IOException {
    return upload(key, contentType, in, declaredLength, maxBytes, Deadline.none());
  }

  /**
   * Streams {@code in} into {@code key}, checking {@code deadline} after every read: once it has
   * passed, the upload is aborted (after the parts in flight have landed) and a {@link
   * DownloadException#isDeadline deadline} failure thrown.
   *
   * @see #upload(String, String, InputStream, long, long)
   */
  public StoredObject upload(
      String key,
      String contentType,
      InputStream in,
      long declaredLength,
      long maxBytes,
      Deadline deadline)
      throws IOException {
    if (declaredLength > maxBytes) {
      throw DownloadException.permanent(
          "video of " + declaredLength + " bytes is larger than the limit of " + maxBytes);
    }
    MessageDigest sha256 = sha256();
    byte[] buffer = new byte[partSize];
    int filled = fill(in, buffer, 0, deadline);
    long total = filled;
    checkSize(total, maxBytes);
    sha256.update(buffer, 0, filled);
    if (filled < partSize) {
      checkLength(total, declaredLength);
      StoredObject ours = stored(key, total, sha256, contentType);
      try {
        s3.putObject(
            b ->
                b.bucket(bucket)
                    .key(key)
                    .contentType(contentType)
                    .contentDisposition(CONTENT_DISPOSITION)
                    .contentLength((long) filled)
                    .ifNoneMatch(ANY_OBJECT),
            body(buffer, filled, contentType));
      } catch (S3Exception e) {
        if (!isKeyTaken(e)) {
          throw e;
        }
        return storedBefore(ours, deadline);
      }
      return ours;
    }

    String uploadId =
        s3.createMultipartUpload(
                b ->
                    b.bucket(bucket)
                        .key(key)
                        .contentType(contentType)
                        .contentDisposition(CONTENT_DISPOSITION))
            .uploadId();
    PartPipeline pipeline = new PartPipeline(key, uploadId, contentType);
    Optional<S3Exception> keyTaken;
    try {
      byte[] part = buffer;
      int length = filled;
      while (true) {
        pipeline.send(part, length);
        if (length < partSize) {
          break; // the source ended inside this part
        }
        // reading the next part overlaps the upload of the ones before it
        part = pipeline.freeBuffer();
        length = fill(in, part, total, deadline);
        if (length == 0) {
          pipeline.release(part);
          break;
        }
        total += length;
        checkSize(total, maxBytes);
        sha256.update(part, 0, length);
      }
      checkLength(total, declaredLength);
      List<CompletedPart> parts = pipeline.finish();
      keyTaken = complete(key, uploadId, parts);
    } catch (IOException | RuntimeException | Error e) {
      // no part may still be on its way once the upload is aborted
      pipeline.cancel();
      abort(key, uploadId, e);
      throw e;
    }
    StoredObject ours = stored(key, total, sha256, contentType);
    if (keyTaken.isEmpty()) {
      return ours;
    }
    // S3 keeps the refused upload's parts until it is aborted
    abort(key, uploadId, keyTaken.get());
    return storedBefore(ours, deadline);
  }

  /**
   * Completes the upload unless the key already holds an object.
   *
   * @return S3's refusal when the key was taken; empty once completed
   */
  private Optional<S3Exception> complete(String key, String uploadId, List<CompletedPart> parts) {
    try {
      s3.completeMultipartUpload(
          b ->
              b.bucket(bucket)
                  .key(key)
                  .uploadId(uploadId)
                  .multipartUpload(m -> m.parts(parts))
                  .ifNoneMatch(ANY_OBJECT));
      return Optional.empty();
    } catch (S3Exception e) {
      if (isKeyTaken(e)) {
        return Optional.of(e);
      }
      throw e;
    }
  }

  /**
   * The parts of one multipart upload in flight: at most {@link #PARTS_IN_FLIGHT} uploading while
   * the next one is read, each from its own buffer, the buffers reused. Memory stays bounded by
   * {@code (PARTS_IN_FLIGHT + 1) * partSize}, whatever the video's size.
   */
  private final class PartPipeline {
    private final String key;
    private final String uploadId;
    private final String contentType;
    private final BlockingQueue<byte[]> free = new LinkedBlockingQueue<>();
    private final List<Future<CompletedPart>> sent = new ArrayList<>();
    private int buffers = 1; // the first part's buffer, from the caller
    private volatile boolean cancelled;

    PartPipeline(String key, String uploadId, String contentType) {
      this.key = key;
      this.uploadId = uploadId;
      this.contentType = contentType;
    }

    /** Uploads {@code length} bytes of {@code buffer} as the next part, in the background. */
    void send(byte[] buffer, int length) throws IOException {
      failFast();
      int partNumber = sent.size() + 1;
      sent.add(
          uploads.submit(
              () -> {
                try {
                  if (cancelled) {
                    return null; // the upload is being aborted: this part is not wanted
                  }
                  String etag =
                      s3.uploadPart(
                              b ->
                                  b.bucket(bucket)
                                      .key(key)
                                      .uploadId(uploadId)
                                      .partNumber(partNumber)
                                      .contentLength((long) length),
                              body(buffer, length, contentType))
                          .eTag();
                  return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
                } finally {
                  free.add(buffer);
                }
              }));
    }

    /** A buffer for the next part: a new one while fewer exist than allowed, else a freed one. */
    byte[] freeBuffer() throws IOException {
      failFast();
      byte[] buffer = free.poll();
      if (buffer != null) {
        return buffer;
      }
      if (buffers <= PARTS_IN_FLIGHT) {
        buffers++;
        return new byte[partSize];
      }
      try {
        return free.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for a part to upload");
      }
    }

    void release(byte[] buffer) {
      free.add(buffer);
    }

    /** Every part, in order, once all have been uploaded; the first failure is thrown. */
    List<CompletedPart> finish() throws IOException {
      List<CompletedPart> parts = new ArrayList<>(sent.size());
      for (Future<CompletedPart> part : sent) {
        parts.add(await(part));
      }
      return parts;
    }

    /**
     * Skips the parts that have not started and waits for those that have: a part that lands after
     * AbortMultipartUpload would leave a stray part behind.
     */
    void cancel() {
      cancelled = true;
      for (Future<CompletedPart> part : sent) {
        try {
          part.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (ExecutionException ignored) {
          // the failure that matters is already on its way to the caller
        }
      }
    }

    /** Stops reading the source as soon as a part has failed. */
    private void failFast() throws IOException {
      for (Future<CompletedPart> part : sent) {
        if (part.isDone()) {
          await(part);
        }
      }
    }

    private CompletedPart await(Future<CompletedPart> part) throws IOException {
      try {
        return part.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while a part was uploading");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException failure) {
          throw failure;
        }
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw new IOException("uploading a part failed", e.getCause());
      }
    }
  }

  /** S3 refused the write because the key already holds an object ({@code If-None-Match: *}). */
  private static boolean isKeyTaken(S3Exception e) {
    return e.statusCode() == HTTP_PRECONDITION_FAILED;
  }

  /**
   * What the key already holds, written by another writer of the same job before us (an earlier
   * attempt whose answer or whose record was lost, or a writer that outlived its turn): its bytes
   * read back from S3 and hashed, its size and content type as S3 gives them. That object stays;
   * ours is not written. Recording it, rather than what we read from the source, keeps the job's
   * record true to the bytes in S3 even when the source served different bytes to each writer;
   * failing instead would leave a job whose object exists never {@code stored}, every retry refused
   * the same way.
   */
  private StoredObject storedBefore(StoredObject ours, Deadline deadline) throws IOException {
    String key = ours.key();
    MessageDigest sha256 = sha256();
    long size = 0;
    String contentType;
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
      contentType = in.response().contentType();
      byte[] chunk = new byte[READ_BACK_CHUNK];
      for (int n = in.read(chunk); n != -1; n = in.read(chunk)) {
        sha256.update(chunk, 0, n);
        size += n;
        DownloadException.checkDeadline(deadline, size);
      }
    }
    StoredObject theirs = stored(key, size, sha256, contentType);
    LOG.atWarn()
        .addKeyValue("key", key)
        .addKeyValue("outcome", "already_in_s3")
        .addKeyValue("sameBytes", theirs.sha256().equals(ours.sha256()))
        .addKeyValue("bytes", size)
        .log("the key already holds an object: it stays, and it is what is recorded");
    return theirs;
  }

  private void abort(String key, String uploadId, Throwable cause) {
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
      LOG.atInfo().addKeyValue("key", key).log("aborted the multipart upload");
    } catch (RuntimeException abortFailed) {
      // S3's lifecycle rule for incomplete uploads is the backstop
      LOG.atError()
          .addKeyValue("key", key)
          .setCause(abortFailed)
          .log("could not abort the multipart upload");
      cause.addSuppressed(abortFailed);
    }
  }

  private static RequestBody body(byte[] buffer, int length, String contentType) {
    // no copy: the SDK re-reads the buffer through a new stream whenever it needs to
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(buffer, 0, length), length, contentType);
  }

  /**
   * Reads until the buffer is full or the stream ends; returns the bytes read. The deadline is
   * checked after every read.
   *
   * @param before the bytes read into earlier parts, for the deadline's reason
   */
  private static int fill(InputStream in, byte[] buffer, long before, Deadline deadline)
      throws IOException {
    int filled = 0;
    while (filled < buffer.length) {
      int n = in.read(buffer, filled, buffer.length - filled);
      if (n == -1) {
        break;
      }
      filled += n;
      DownloadException.checkDeadline(deadline, before + filled);
    }
    return filled;
  }

  private static void checkSize(long total, long maxBytes) {
    if (total > maxBytes) {
      throw DownloadException.permanent("video is larger than the limit of " + maxBytes + " bytes");
    }
  }

  private static void checkLength(long total, long declaredLength) {
    if (declaredLength >= 0 && total != declaredLength) {
      throw DownloadException.retryable(TransportFailures.lengthMismatch(total, declaredLength));
    }
  }

  private static StoredObject stored(
      String key, long size, MessageDigest sha256, String contentType) {
    return new StoredObject(key, size, HexFormat.of().formatHex(sha256.digest()), contentType);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
