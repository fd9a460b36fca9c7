package io.convspark.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * What the model expects and how much an image may cost. Each output value is
 * {@code pixel * mul[c] + add[c]} (float arithmetic, two roundings), where {@code pixel} is the
 * bilinearly resampled 0..255 value of model channel {@code c} (in {@code order}; luminance for
 * a 1-channel model). The arrays are copied in and out.
 *
 * @param height model input height, positive
 * @param width model input width, positive
 * @param channels 3 (colour, in {@code order}) or 1 (luminance, ITU-R 601 as PIL's "L")
 * @param resize how the image is mapped onto height x width
 * @param resizeShorterTo target of the shorter side for {@link
 *     ResizeMode#SHORTER_SIDE_CENTER_CROP} (at least max(height, width)); 0 for other modes
 * @param order channel order of the model input; ignored when {@code channels == 1}
 * @param mul per output channel scale, {@code channels} finite values
 * @param add per output channel offset, {@code channels} finite values
 * @param maxPixels refuse images whose header declares more than this many pixels
 * @param maxDecodedToFileRatio refuse images whose decoded bytes (width x height x bits per
 *     pixel / 8, from the header) exceed this multiple of the encoded size: header-only
 *     decompression bombs. PNG's deflate cannot exceed about 1032:1, so the default
 *     10000 never refuses a complete PNG; {@code Double.POSITIVE_INFINITY} disables the check
 */
public record PreprocessOptions(int height, int width, int channels, ResizeMode resize,
    int resizeShorterTo, ChannelOrder order, float[] mul, float[] add, long maxPixels,
    double maxDecodedToFileRatio) implements java.io.Serializable {

  /** 64 Mpx (2^26 pixels): a 192 MiB RGB raster while decoding. */
  public static final long DEFAULT_MAX_PIXELS = 1L << 26;
  /** Decoded bytes per encoded byte; see the class description. */
  public static final double DEFAULT_MAX_DECODED_TO_FILE_RATIO = 10_000;

  public PreprocessOptions {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("cannot use model input size " + height + "x" + width
          + " (height x width): both must be positive");
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("cannot use channels " + channels
          + ": expected one of [1, 3]");
    }
    if ((long) height * width * channels > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("cannot use model input size " + height + "x" + width
          + "x" + channels + ": more than " + (Integer.MAX_VALUE - 8) + " floats per image");
    }
    Objects.requireNonNull(resize, "resize: expected one of " + Arrays.toString(ResizeMode.values()));
    Objects.requireNonNull(order, "order: expected one of " + Arrays.toString(ChannelOrder.values()));
    if (resize == ResizeMode.SHORTER_SIDE_CENTER_CROP) {
      if (resizeShorterTo < Math.max(height, width)) {
        throw new IllegalArgumentException("cannot use resizeShorterTo " + resizeShorterTo
            + " with a " + height + "x" + width + " center crop: must be at least "
            + Math.max(height, width) + " so the crop fits");
      }
    } else if (resizeShorterTo != 0) {
      throw new IllegalArgumentException("cannot use resizeShorterTo " + resizeShorterTo
          + " with resize " + resize + ": only SHORTER_SIDE_CENTER_CROP uses it, pass 0");
    }
    mul = checkedCopy("mul", mul, channels);
    add = checkedCopy("add", add, channels);
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("cannot use maxPixels " + maxPixels
          + ": must be positive");
    }
    if (!(maxDecodedToFileRatio > 0)) {
      throw new IllegalArgumentException("cannot use maxDecodedToFileRatio "
          + maxDecodedToFileRatio + ": must be positive (POSITIVE_INFINITY disables it)");
    }
  }

  /**
   * Normalization given as mean and standard deviation in [0, 1] units, per model channel:
   * {@code out = (p / 255 - mean[c]) / std[c]}, computed as {@code p * mul + add} with
   * {@code mul = 1 / (255 std)} and {@code add = -mean / std}; default limits.
   *
   * @throws IllegalArgumentException if any argument is invalid, or a std is not positive
   */
  public static PreprocessOptions meanStd(int height, int width, int channels,
      ResizeMode resize, int resizeShorterTo, ChannelOrder order, float[] mean, float[] std) {
    float[] m = checkedCopy("mean", mean, channels);
    float[] s = checkedCopy("std", std, channels);
    float[] mul = new float[channels];
    float[] add = new float[channels];
    for (int c = 0; c < channels; c++) {
      if (!(s[c] > 0)) {
        throw new IllegalArgumentException("cannot use std[" + c + "] " + s[c]
            + ": must be positive");
      }
      mul[c] = (float) (1.0 / (255.0 * s[c]));
      add[c] = (float) (-(double) m[c] / s[c]);
    }
    return scale(height, width, channels, resize, resizeShorterTo, order, mul, add);
  }

  /**
   * Normalization given directly: {@code out = p * mul[c] + add[c]} for p in 0..255 (e.g.
   * PaddleOCR's {@code (p / 255 - 0.5) / 0.5}: mul 2/255, add -1); default limits.
   *
   * @throws IllegalArgumentException if any argument is invalid
   */
  public static PreprocessOptions scale(int height, int width, int channels, ResizeMode resize,
      int resizeShorterTo, ChannelOrder order, float[] mul, float[] add) {
    return new PreprocessOptions(height, width, channels, resize, resizeShorterTo, order, mul,
        add, DEFAULT_MAX_PIXELS, DEFAULT_MAX_DECODED_TO_FILE_RATIO);
  }

  /** torchvision ImageNet: shorter side 256, center crop 224x224, RGB, ImageNet mean/std. */
  public static PreprocessOptions imageNet() {
    return meanStd(224, 224, 3, ResizeMode.SHORTER_SIDE_CENTER_CROP, 256, ChannelOrder.RGB,
        new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
  }

  /** PaddleOCR text direction classifier: 48x192 BGR, fit height, pad right, (p/255-0.5)/0.5. */
  public static PreprocessOptions paddleOcrClassifier() {
    return scale(48, 192, 3, ResizeMode.FIT_HEIGHT_PAD_RIGHT, 0, ChannelOrder.BGR,
        new float[] {2f / 255f, 2f / 255f, 2f / 255f}, new float[] {-1f, -1f, -1f});
  }

  /** The same options with other size limits. */
  public PreprocessOptions withLimits(long maxPixels, double maxDecodedToFileRatio) {
    return new PreprocessOptions(height, width, channels, resize, resizeShorterTo, order, mul,
        add, maxPixels, maxDecodedToFileRatio);
  }

  /** Floats written per image: height x width x channels. */
  public int floatsPerImage() {
    return height * width * channels;
  }

  @Override
  public float[] mul() {
    return mul.clone();
  }

  @Override
  public float[] add() {
    return add.clone();
  }

  float mulAt(int c) {
    return mul[c];
  }

  float addAt(int c) {
    return add[c];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PreprocessOptions p && height == p.height && width == p.width
        && channels == p.channels && resize == p.resize && resizeShorterTo == p.resizeShorterTo
        && order == p.order && Arrays.equals(mul, p.mul) && Arrays.equals(add, p.add)
        && maxPixels == p.maxPixels
        && Double.compare(maxDecodedToFileRatio, p.maxDecodedToFileRatio) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(height, width, channels, resize, resizeShorterTo, order,
        Arrays.hashCode(mul), Arrays.hashCode(add), maxPixels, maxDecodedToFileRatio);
  }

  @Override
  public String toString() {
    return "PreprocessOptions[" + height + "x" + width + "x" + channels + ", " + resize
        + (resize == ResizeMode.SHORTER_SIDE_CENTER_CROP ? " " + resizeShorterTo : "") + ", "
        + order + ", mul=" + Arrays.toString(mul) + ", add=" + Arrays.toString(add)
        + ", maxPixels=" + maxPixels + ", maxDecodedToFileRatio=" + maxDecodedToFileRatio + "]";
  }

  private static float[] checkedCopy(String name, float[] v, int channels) {
    if (v == null || v.length != channels) {
      throw new IllegalArgumentException("cannot use " + name + " "
          + (v == null ? "null" : Arrays.toString(v)) + ": expected " + channels
          + " values, one per model channel");
    }
    for (int c = 0; c < channels; c++) {
      if (!Float.isFinite(v[c])) {
        throw new IllegalArgumentException("cannot use " + name + "[" + c + "] " + v[c]
            + ": must be finite");
      }
    }
    return v.clone();
  }
}
