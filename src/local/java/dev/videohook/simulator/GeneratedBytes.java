package dev.videohook.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * Deterministic "video" bytes of any size, made on the fly: a pseudo-random block of a prime length
 * (so it never lines up with part boundaries) XOR-ed with its repetition count.
 */
public final class GeneratedBytes {
  private static final int BLOCK = 65_521;
  private static final byte[] PATTERN = pattern();

  private GeneratedBytes() {}

  private static byte[] pattern() {
    byte[] bytes = new byte[BLOCK];
    new Random(20261126L).nextBytes(bytes);
    return bytes;
  }

  /** Writes bytes [offset, offset + length) of the sequence into {@code buffer}. */
  public static void fill(long offset, byte[] buffer, int length) {
    long position = offset;
    int done = 0;
    while (done < length) {
      int inBlock = (int) (position % BLOCK);
      byte salt = (byte) (position / BLOCK);
      int run = Math.min(length - done, BLOCK - inBlock);
      for (int i = 0; i < run; i++) {
        buffer[done + i] = (byte) (PATTERN[inBlock + i] ^ salt);
      }
      done += run;
      position += run;
    }
  }

  public static byte[] bytes(int size) {
    byte[] bytes = new byte[size];
    fill(0, bytes, size);
    return bytes;
  }

  public static void write(OutputStream out, long size) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    for (long written = 0; written < size; ) {
      int n = (int) Math.min(buffer.length, size - written);
      fill(written, buffer, n);
      out.write(buffer, 0, n);
      written += n;
    }
  }

  /** The sequence's first {@code size} bytes as a stream. */
  public static InputStream stream(long size) {
    return stream(0, size);
  }

  /** {@code size} bytes of the sequence from {@code start} on, as a stream. */
  public static InputStream stream(long start, long size) {
    return new InputStream() {
      private long position;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (position >= size) {
          return -1;
        }
        int n = (int) Math.min(len, size - position);
        byte[] chunk = off == 0 ? b : new byte[n];
        fill(start + position, chunk, n);
        if (chunk != b) {
          System.arraycopy(chunk, 0, b, off, n);
        }
        position += n;
        return n;
      }
    };
  }

  /** SHA-256 (hex) of the sequence's first {@code size} bytes. */
  public static String sha256(long size) {
    return sha256(0, size);
  }

  /** SHA-256 (hex) of {@code size} bytes of the sequence from {@code start} on. */
  public static String sha256(long start, long size) {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[64 * 1024];
    for (long done = 0; done < size; ) {
      int n = (int) Math.min(buffer.length, size - done);
      fill(start + done, buffer, n);
      digest.update(buffer, 0, n);
      done += n;
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256().digest(bytes));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
