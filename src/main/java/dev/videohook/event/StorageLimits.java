package dev.videohook.event;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * What an event value may be so that the jobs table and S3 can hold it: the job id's characters and
 * length, the URL count and length, how long informational text may be, and which numbers DynamoDB
 * can store. One home for these bounds, so that the parser's refusals and cuts and the checks in
 * tests speak of the same limits.
 */
final class StorageLimits {

  /**
   * The characters a job id may have: it becomes part of a DynamoDB key and an S3 key segment, so
   * no slash, space, {@code #} or control character.
   */
  static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_.:-]+");

  static final int MAX_JOB_ID_LENGTH = 256;
  static final int MAX_URLS = 16;
  static final int MAX_URL_LENGTH = 2048;

  /** Informational text ({@code created_at}, model, generation id, unknown types) is cut here. */
  static final int MAX_TEXT_LENGTH = 1024;

  /** {@code data.error} is cut here. */
  static final int MAX_ERROR_LENGTH = 4096;

  /** DynamoDB numbers: at most 38 significant digits, magnitude 1E-130 to 9.99…E+125. */
  static final int MAX_NUMBER_DIGITS = 38;

  static final int MIN_NUMBER_EXPONENT = -130;
  static final int MAX_NUMBER_EXPONENT = 125;

  private StorageLimits() {}

  /** True for an id that can be part of a DynamoDB key and an S3 key segment. */
  static boolean validJobId(String id) {
    return id.length() <= MAX_JOB_ID_LENGTH
        && JOB_ID.matcher(id).matches()
        && !id.equals(".")
        && !id.equals("..");
  }

  /**
   * True for a number DynamoDB can hold as sent: at most 38 significant digits, zero or a magnitude
   * from 1E-130 to below 1E+126. Cheap for any exponent (no plain-string expansion).
   */
  static boolean fitsDynamoDb(BigDecimal value) {
    if (value.signum() == 0) {
      return true;
    }
    BigDecimal stripped = value.stripTrailingZeros();
    long exponent = (long) stripped.precision() - stripped.scale() - 1;
    return stripped.precision() <= MAX_NUMBER_DIGITS
        && exponent >= MIN_NUMBER_EXPONENT
        && exponent <= MAX_NUMBER_EXPONENT;
  }
}
