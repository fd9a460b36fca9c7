package io.convspark.kernels.internal.scalar;

import io.convspark.kernels.internal.PoolWindows;

/**
 * Plain-Java pooling: the first tap is copied, later taps are folded into the output row (still in
 * L1), so each inner loop runs over contiguous channels and C2 can auto-vectorize it.
 */
final class ScalarPoolKernels extends PoolWindows {

  @Override
  protected void maxInto(float[] in, int inOff, float[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = Math.max(out[outOff + i], in[inOff + i]);
    }
  }

  @Override
  protected void addInto(float[] in, int inOff, float[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] += in[inOff + i];
    }
  }

  @Override
  protected void scale(float[] out, int outOff, int n, float s) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] *= s;
    }
  }
}
