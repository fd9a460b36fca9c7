package io.convspark.image;

import io.convspark.image.ImageException.Code;
import java.util.Objects;

/**
 * Turns one image into {@code height x width x channels} floats (NHWC, channels in the model's
 * order) in a caller-owned buffer, in one pass: decode (or wrap the Spark struct), apply the
 * JPEG's EXIF orientation, resample bilinearly, reorder channels and normalize, each output
 * float computed once. Immutable and thread-safe; build one per job.
 *
 * <pre>{@code
 * ImagePreprocessor pre = new ImagePreprocessor(PreprocessOptions.imageNet());
 * float[] batch = new float[rows * pre.floatsPerImage()];
 * try {
 *   pre.fromEncoded(bytes, 0, bytes.length, batch, row * pre.floatsPerImage());
 * } catch (ImageException e) {
 *   // per-row error: e.code(), e.stage(), e.getMessage(); batch is unchanged
 * }
 * }</pre>
 *
 * <p>Conversions: alpha is dropped (colour used as stored, not composited: PIL
 * {@code convert("RGB")}, OpenCV {@code IMREAD_COLOR}); 16-bit samples keep the high byte
 * ({@code v >> 8}); 1/2/4-bit and packed samples scale to {@code round(v * 255 / max)};
 * palettes are looked up; a 1-channel model gets ITU-R 601 luma with PIL's integer rounding;
 * no ICC colour management. CMYK/YCCK JPEGs (which the JDK cannot read) are
 * UNSUPPORTED_COLOR_MODEL. EXIF orientation is applied for JPEG only; malformed EXIF is
 * ignored.
 *
 * <p>Errors: the size limits are checked from the header before any pixel is allocated
 * (IMAGE_TOO_LARGE); decoder {@code IOException}s become TRUNCATED (data ended early) or
 * CORRUPT; any other {@code RuntimeException} from the decoder becomes CORRUPT. {@code Error}s
 * are never caught: an {@code OutOfMemoryError} or {@code StackOverflowError} fails the task
 * (Spark retries it), it is not turned into a row error.
 *
 * <p>Results are bit-for-bit reproducible for the same input and options.
 */
public final class ImagePreprocessor {
  /** Spark {@code ImageSchema.ocvTypes}: CV_8UC1, CV_8UC3, CV_8UC4. */
  public static final int CV_8UC1 = 0;
  public static final int CV_8UC3 = 16;
  public static final int CV_8UC4 = 24;

  private final PreprocessOptions options;

  /** @throws NullPointerException if {@code options} is null */
  public ImagePreprocessor(PreprocessOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  public PreprocessOptions options() {
    return options;
  }

  /** Floats written per image: height x width x channels of the model input. */
  public int floatsPerImage() {
    return options.floatsPerImage();
  }

  /**
   * Encoded JPEG/PNG/BMP/GIF (first frame) bytes {@code data[off..off+len)} to floats at
   * {@code dst[dstOff..dstOff+floatsPerImage())}.
   *
   * @throws ImageException for a null, empty, truncated, corrupt, unsupported or too large
   *     image; {@code dst} is then unchanged
   * @throws IndexOutOfBoundsException if {@code [off, off+len)} is outside {@code data} or the
   *     output range is outside {@code dst}
   * @throws NullPointerException if {@code dst} is null
   */
  public void fromEncoded(byte[] data, int off, int len, float[] dst, int dstOff)
      throws ImageException {
    checkDst(dst, dstOff);
    if (data == null) {
      throw new ImageException(Code.NULL_INPUT, "input", "cannot decode image: bytes are null");
    }
    Objects.checkFromIndexSize(off, len, data.length);
    if (len == 0) {
      throw new ImageException(Code.EMPTY_INPUT, "input", "cannot decode image: 0 bytes");
    }
    ImageDecoding.Decoded d = ImageDecoding.decode(data, off, len, options.maxPixels(),
        options.maxDecodedToFileRatio());
    PixelSource src = PixelSource.of(d.image(), options.channels() == 1);
    Resampler.run(src, d.orientation(), options, dst, dstOff);
  }

  /**
   * A Spark image data source struct (uint8, row-major HWC, B,G,R or B,G,R,A or gray, as
   * {@code ImageSchema} stores it) to floats at {@code dst[dstOff..dstOff+floatsPerImage())}.
   * Alpha is dropped.
   *
   * @param mode OpenCV type: {@link #CV_8UC1}, {@link #CV_8UC3} or {@link #CV_8UC4}, matching
   *     {@code nChannels}
   * @throws ImageException NULL_INPUT if {@code data} is null; INVALID_IMAGE_STRUCT if the
   *     sizes are not positive, {@code nChannels} is not 1, 3 or 4, or {@code mode} does not
   *     match it; SHAPE_MISMATCH if {@code data.length != height * width * nChannels};
   *     {@code dst} is then unchanged
   * @throws IndexOutOfBoundsException if the output range is outside {@code dst}
   */
  public void fromImageStruct(int height, int width, int nChannels, int mode, byte[] data,
      float[] dst, int dstOff) throws ImageException {
    fromImageStruct(height, width, nChannels, mode, data, 0, data == null ? 0 : data.length,
        dst, dstOff);
  }

  /**
   * As {@link #fromImageStruct(int, int, int, int, byte[], float[], int)}, with the pixels at
   * {@code data[dataOff, dataOff + dataLength)}: a caller can reuse one buffer for every row.
   */
  public void fromImageStruct(int height, int width, int nChannels, int mode, byte[] data,
      int dataOff, int dataLength, float[] dst, int dstOff) throws ImageException {
    checkDst(dst, dstOff);
    if (data == null) {
      throw new ImageException(Code.NULL_INPUT, "struct",
          "cannot read image struct: data is null");
    }
    if (height <= 0 || width <= 0) {
      throw new ImageException(Code.INVALID_IMAGE_STRUCT, "struct",
          "cannot read image struct: size "
          + height + "x" + width + " (height x width), both must be positive (Spark writes -1 "
          + "for images it could not decode)");
    }
    int expectedMode = nChannels == 1 ? CV_8UC1 : nChannels == 3 ? CV_8UC3
        : nChannels == 4 ? CV_8UC4 : -1;
    if (expectedMode < 0) {
      throw new ImageException(Code.INVALID_IMAGE_STRUCT, "struct",
          "cannot read image struct: nChannels "
          + nChannels + ", expected one of [1, 3, 4]");
    }
    if (mode != expectedMode) {
      throw new ImageException(Code.INVALID_IMAGE_STRUCT, "struct",
          "cannot read image struct: mode "
          + mode + " with nChannels " + nChannels + ", expected mode " + expectedMode
          + " (OpenCV types CV_8UC1=0, CV_8UC3=16, CV_8UC4=24)");
    }
    long expected = (long) height * width * nChannels;
    if (dataLength != expected) {
      throw new ImageException(Code.SHAPE_MISMATCH, "struct", "cannot read image struct: data has "
          + dataLength + " bytes, height x width x nChannels = " + height + "x" + width + "x"
          + nChannels + " = " + expected);
    }
    Objects.checkFromIndexSize(dataOff, dataLength, data.length);
    PixelSource src = PixelSource.ofBgr(height, width, nChannels, data, dataOff,
        options.channels() == 1);
    Resampler.run(src, 1, options, dst, dstOff);
  }

  private void checkDst(float[] dst, int dstOff) {
    Objects.requireNonNull(dst, "dst");
    Objects.checkFromIndexSize(dstOff, options.floatsPerImage(), dst.length);
  }
}
