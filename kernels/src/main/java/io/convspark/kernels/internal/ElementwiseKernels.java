package io.convspark.kernels.internal;

import io.convspark.kernels.Activation;
import io.convspark.kernels.ElementwisePlan;

/**
 * Elementwise, affine and row-softmax micro-kernels over contiguous floats. {@code out} may be
 * the same range as the first input (in place). Kernels trust their arguments: plans validate
 * and only {@code assert} here.
 */
public interface ElementwiseKernels {
  /** {@code out[i] = a[i] op b[i]} for i in [0, n). */
  void binary(ElementwisePlan.Op op, float[] a, int aOff, float[] b, int bOff,
      float[] out, int outOff, int n);

  /** {@code out[i] = a[i] op b} for i in [0, n). */
  void binaryScalar(ElementwisePlan.Op op, float[] a, int aOff, float b,
      float[] out, int outOff, int n);

  /** Applies {@code act} in place to {@code x[off, off + n)}; NONE does nothing. */
  void activate(Activation act, float[] x, int off, int n);

  /**
   * {@code out[p, c] = in[p, c] * scale[c] + shift[c]} for {@code pixels} x {@code channels}
   * values; scale and shift start at index 0.
   */
  void channelAffine(float[] in, int inOff, float[] scale, float[] shift,
      float[] out, int outOff, int pixels, int channels);

  /** Softmax of one row of {@code d} values: exp(x - max) / sum. */
  void softmax(float[] in, int inOff, float[] out, int outOff, int d);

  /**
   * 8-bit pixels of {@code stride} bytes to 3 floats each, channels picked and scaled:
   * {@code out[3x + c] = (src[stride * x + from[c]] & 0xFF) * mul[c] + add[c]} (offsets from
   * srcOff and outOff) for x in [0, pixels), each {@code from[c]} in [0, stride) (BGR to RGB is
   * 2, 1, 0).
   */
  default void bytesToFloats3(byte[] src, int srcOff, int pixels, int stride, int[] from,
      float[] mul, float[] add, float[] out, int outOff) {
    int a0 = from[0];
    int a1 = from[1];
    int a2 = from[2];
    float m0 = mul[0];
    float m1 = mul[1];
    float m2 = mul[2];
    float d0 = add[0];
    float d1 = add[1];
    float d2 = add[2];
    for (int x = 0, i = srcOff, o = outOff; x < pixels; x++, i += stride, o += 3) {
      out[o] = (src[i + a0] & 0xFF) * m0 + d0;
      out[o + 1] = (src[i + a1] & 0xFF) * m1 + d1;
      out[o + 2] = (src[i + a2] & 0xFF) * m2 + d2;
    }
  }
}
