package io.convspark.kernels.internal;

import java.util.Arrays;

/**
 * The pooling window walk, shared by both providers: they differ only in the three row
 * primitives (max into, add into, scale), each over {@code n} contiguous channels.
 */
public abstract class PoolWindows implements PoolKernels {

  @Override
  public void maxPool(float[] in, int inBase, int[] tapOff, int khBegin, int khEnd, int kwBegin,
      int kwEnd, int kernelW, int channels, float[] out, int outOff) {
    assert channels > 0 && outOff >= 0 && outOff + channels <= out.length;
    if (khBegin >= khEnd || kwBegin >= kwEnd) {
      Arrays.fill(out, outOff, outOff + channels, Float.NEGATIVE_INFINITY);
      return;
    }
    System.arraycopy(in, inBase + tapOff[khBegin * kernelW + kwBegin], out, outOff, channels);
    for (int kh = khBegin; kh < khEnd; kh++) {
      for (int kw = kh == khBegin ? kwBegin + 1 : kwBegin; kw < kwEnd; kw++) {
        maxInto(in, inBase + tapOff[kh * kernelW + kw], out, outOff, channels);
      }
    }
  }

  @Override
  public void averagePool(float[] in, int inBase, int[] tapOff, int khBegin, int khEnd,
      int kwBegin, int kwEnd, int kernelW, int channels, float scale, float[] out, int outOff) {
    assert channels > 0 && outOff >= 0 && outOff + channels <= out.length;
    if (khBegin >= khEnd || kwBegin >= kwEnd) {
      Arrays.fill(out, outOff, outOff + channels, 0f);
      return;
    }
    System.arraycopy(in, inBase + tapOff[khBegin * kernelW + kwBegin], out, outOff, channels);
    for (int kh = khBegin; kh < khEnd; kh++) {
      for (int kw = kh == khBegin ? kwBegin + 1 : kwBegin; kw < kwEnd; kw++) {
        addInto(in, inBase + tapOff[kh * kernelW + kw], out, outOff, channels);
      }
    }
    scale(out, outOff, channels, scale);
  }

  @Override
  public void globalMax(float[] in, int inOff, int pixels, int pixelStride, int channels,
      float[] out, int outOff) {
    assert pixels > 0 && channels > 0 && channels <= pixelStride;
    System.arraycopy(in, inOff, out, outOff, channels);
    for (int p = 1; p < pixels; p++) {
      maxInto(in, inOff + p * pixelStride, out, outOff, channels);
    }
  }

  @Override
  public void globalAverage(float[] in, int inOff, int pixels, int pixelStride, int channels,
      float scale, float[] out, int outOff) {
    assert pixels > 0 && channels > 0 && channels <= pixelStride;
    System.arraycopy(in, inOff, out, outOff, channels);
    for (int p = 1; p < pixels; p++) {
      addInto(in, inOff + p * pixelStride, out, outOff, channels);
    }
    scale(out, outOff, channels, scale);
  }

  protected abstract void maxInto(float[] in, int inOff, float[] out, int outOff, int n);

  protected abstract void addInto(float[] in, int inOff, float[] out, int outOff, int n);

  protected abstract void scale(float[] out, int outOff, int n, float s);
}
