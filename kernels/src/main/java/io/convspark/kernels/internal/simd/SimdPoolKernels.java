package io.convspark.kernels.internal.simd;

import static io.convspark.kernels.internal.simd.Species.F;
import static io.convspark.kernels.internal.simd.Species.LANES;

import io.convspark.kernels.internal.PoolKernels;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Vector API pooling, channels in lanes. The first tap is copied and later taps are folded into
 * the output row (still in L1): no vector is carried across loops (JDK 17 would box it), and the
 * channel tail uses a masked load/store.
 */
final class SimdPoolKernels implements PoolKernels {

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

  private static void maxInto(float[] in, int inOff, float[] out, int outOff, int n) {
    int full = F.loopBound(n);
    for (int i = 0; i < full; i += LANES) {
      FloatVector.fromArray(F, out, outOff + i)
          .max(FloatVector.fromArray(F, in, inOff + i))
          .intoArray(out, outOff + i);
    }
    if (full < n) { // masked tail: never touch memory past the channel range
      VectorMask<Float> m = Species.prefix(n - full);
      FloatVector.fromArray(F, out, outOff + full, m)
          .max(FloatVector.fromArray(F, in, inOff + full, m))
          .intoArray(out, outOff + full, m);
    }
  }

  private static void addInto(float[] in, int inOff, float[] out, int outOff, int n) {
    int full = F.loopBound(n);
    for (int i = 0; i < full; i += LANES) {
      FloatVector.fromArray(F, out, outOff + i)
          .add(FloatVector.fromArray(F, in, inOff + i))
          .intoArray(out, outOff + i);
    }
    if (full < n) {
      VectorMask<Float> m = Species.prefix(n - full);
      FloatVector.fromArray(F, out, outOff + full, m)
          .add(FloatVector.fromArray(F, in, inOff + full, m))
          .intoArray(out, outOff + full, m);
    }
  }

  private static void scale(float[] out, int outOff, int n, float s) {
    int full = F.loopBound(n);
    for (int i = 0; i < full; i += LANES) {
      FloatVector.fromArray(F, out, outOff + i).mul(s).intoArray(out, outOff + i);
    }
    if (full < n) {
      VectorMask<Float> m = Species.prefix(n - full);
      FloatVector.fromArray(F, out, outOff + full, m).mul(s).intoArray(out, outOff + full, m);
    }
  }
}
