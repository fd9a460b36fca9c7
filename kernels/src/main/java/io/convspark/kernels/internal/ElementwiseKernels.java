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
}
