package io.convspark.image;

/**
 * One image (one row) that cannot be turned into a tensor. Checked, so the connector must
 * decide per row (null output plus an error column, or fail the task); it never means the
 * preprocessor or the JVM is damaged. The message has the form "cannot {action} image: {value}
 * {rule}" and carries the offending numbers.
 */
public final class ImageException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the image was refused. Stable names: the connector writes them into error columns. */
  public enum Code {
    /** The bytes (or the image struct's data) are null. */
    NULL_INPUT,
    /** Zero bytes. */
    EMPTY,
    /** A supported format whose bytes stop early (signature, header or pixel data cut off). */
    TRUNCATED,
    /** A supported format whose bytes are inconsistent; the decoder refused or threw. */
    CORRUPT,
    /** No known image signature: text, HTML, random bytes, a model file. */
    NOT_AN_IMAGE,
    /** A recognised image we do not decode (TIFF, WebP, HEIF/AVIF, JPEG 2000, PSD) or a
     * colour model we cannot convert (CMYK/YCCK JPEG). */
    UNSUPPORTED_FORMAT,
    /** Over {@code maxPixels}, over {@code maxDecodedToFileRatio}, or out of memory decoding. */
    TOO_LARGE,
    /** A Spark image struct whose fields disagree (sizes, channels, mode, data length). */
    BAD_STRUCT
  }

  private final Code code;
  private final String stage;

  /**
   * @param code why
   * @param stage where: "input", "header", "decode", "convert" or "struct"
   * @param message "cannot ... image: value rule"
   * @param cause the decoder's exception, or null
   */
  public ImageException(Code code, String stage, String message, Throwable cause) {
    super(message, cause);
    this.code = java.util.Objects.requireNonNull(code, "code");
    this.stage = java.util.Objects.requireNonNull(stage, "stage");
  }

  public ImageException(Code code, String stage, String message) {
    this(code, stage, message, null);
  }

  public Code code() {
    return code;
  }

  public String stage() {
    return stage;
  }
}
