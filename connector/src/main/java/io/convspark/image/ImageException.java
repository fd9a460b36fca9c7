package io.convspark.image;

/**
 * One image (one row) that cannot be turned into a tensor. Checked, so the connector must
 * decide per row (null output plus an error column, or fail the task); it never means the
 * preprocessor or the JVM is damaged. The message has the form "cannot {action} image: {value}
 * {rule}" and carries the offending numbers.
 */
public final class ImageException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Why a row was refused. Stable names (the vocabulary of docs/hostile-inputs.md section 2.2):
   * the connector writes them into the error column's {@code code}.
   */
  public enum Code {
    /** The bytes, the image struct, its {@code data}, or an array element are null. */
    NULL_INPUT,
    /** Zero bytes. */
    EMPTY_INPUT,
    /**
     * Not a format we decode: no JPEG/PNG/GIF/BMP signature (text, HTML, PDF, a model file,
     * random bytes) or a recognised image format without a reader (TIFF, WebP, HEIF/AVIF,
     * JPEG 2000, PSD).
     */
    UNSUPPORTED_FORMAT,
    /** A supported format whose bytes are inconsistent; the decoder refused or threw. */
    CORRUPT,
    /** A supported format whose bytes stop early (signature, header or pixel data cut off). */
    TRUNCATED,
    /**
     * Decided from the header, before pixels are allocated: more than {@code maxPixels}, a
     * decoded size over {@code maxDecodedToFileRatio} times the file, or a raster larger than
     * a Java array can hold.
     */
    IMAGE_TOO_LARGE,
    /** A colour model we do not convert: CMYK/YCCK JPEG, Lab, non-integer samples. */
    UNSUPPORTED_COLOR_MODEL,
    /** A Spark image struct whose fields are null or disagree (sizes, channels, mode). */
    INVALID_IMAGE_STRUCT,
    /** Data length or tensor shape differs from what the header or the model declares. */
    SHAPE_MISMATCH,
    /** A tensor input holding NaN or an infinity (the row is flagged, not run). */
    NON_FINITE_INPUT
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
