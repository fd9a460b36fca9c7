package io.convspark.kernels;

import io.convspark.kernels.internal.KernelProvider;
import java.util.Objects;

/**
 * Image bytes to model input floats on the selected kernels: the image preprocessor's inner
 * loop for interleaved 8-bit 3-channel rows (Spark image structs, decoded RGB rasters).
 */
public final class PixelConversion {
  private PixelConversion() {}

  /**
   * {@code out[outOff + 3x + c] = (src[srcOff + 3x + from[c]] & 0xFF) * mul[c] + add[c]} for x
   * in [0, pixels): float multiply then add, as in scalar Java, so every provider gives the same
   * bits.
   *
   * @throws IllegalArgumentException if a {@code from[c]} is outside 0..2 or an array has fewer
   *     than 3 entries
   * @throws IndexOutOfBoundsException if a range is outside its array
   */
  public static void bytesToFloats3(byte[] src, int srcOff, int pixels, int[] from, float[] mul,
      float[] add, float[] out, int outOff) {
    if (from.length < 3 || mul.length < 3 || add.length < 3) {
      throw new IllegalArgumentException("cannot convert pixels: from, mul and add need 3"
          + " entries, have " + from.length + ", " + mul.length + ", " + add.length);
    }
    for (int c = 0; c < 3; c++) {
      if (from[c] < 0 || from[c] > 2) {
        throw new IllegalArgumentException("cannot convert pixels: from[" + c + "] = "
            + from[c] + ", must be 0, 1 or 2");
      }
    }
    if (pixels < 0) {
      throw new IllegalArgumentException("cannot convert pixels: count " + pixels
          + ", must be >= 0");
    }
    Objects.checkFromIndexSize(srcOff, 3L * pixels > Integer.MAX_VALUE ? -1 : 3 * pixels,
        src.length);
    Objects.checkFromIndexSize(outOff, 3 * pixels, out.length);
    KernelProvider.get().elementwise().bytesToFloats3(src, srcOff, pixels, from, mul, add, out,
        outOff);
  }
}
