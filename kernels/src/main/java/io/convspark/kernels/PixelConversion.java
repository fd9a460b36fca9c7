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
   * {@code out[outOff + 3x + c] = (src[srcOff + stride * x + from[c]] & 0xFF) * mul[c] + add[c]}
   * for x in [0, pixels): 3 channels from pixels of {@code stride} bytes (3 for BGR, 4 for BGRA,
   * 1 for gray with from = 0, 0, 0), float multiply then add as in scalar Java, so every
   * provider gives the same bits.
   *
   * @throws IllegalArgumentException if {@code stride < 1}, {@code pixels < 0}, a
   *     {@code from[c]} is outside [0, stride), or an array has fewer than 3 entries
   * @throws IndexOutOfBoundsException if the bytes read or the floats written are outside
   *     their arrays
   */
  public static void bytesToFloats3(byte[] src, int srcOff, int pixels, int stride, int[] from,
      float[] mul, float[] add, float[] out, int outOff) {
    if (from.length < 3 || mul.length < 3 || add.length < 3) {
      throw new IllegalArgumentException("cannot convert pixels: from, mul and add need 3"
          + " entries, have " + from.length + ", " + mul.length + ", " + add.length);
    }
    if (stride < 1 || pixels < 0) {
      throw new IllegalArgumentException("cannot convert pixels: " + pixels + " pixels of "
          + stride + " bytes, need pixels >= 0 and stride >= 1");
    }
    int last = 0;
    for (int c = 0; c < 3; c++) {
      if (from[c] < 0 || from[c] >= stride) {
        throw new IllegalArgumentException("cannot convert pixels: from[" + c + "] = "
            + from[c] + ", must be in [0, " + stride + ")");
      }
      last = Math.max(last, from[c]);
    }
    if (pixels == 0) {
      return;
    }
    long read = (long) stride * (pixels - 1) + last + 1;
    Objects.checkFromIndexSize(srcOff, read > Integer.MAX_VALUE ? -1 : (int) read, src.length);
    Objects.checkFromIndexSize(outOff, 3L * pixels > Integer.MAX_VALUE ? -1 : 3 * pixels,
        out.length);
    KernelProvider.get().elementwise().bytesToFloats3(src, srcOff, pixels, stride, from, mul,
        add, out, outOff);
  }
}
