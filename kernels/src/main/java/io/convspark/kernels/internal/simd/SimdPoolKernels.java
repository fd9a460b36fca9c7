package io.convspark.kernels.internal.simd;

import static io.convspark.kernels.internal.simd.Species.F;
import static io.convspark.kernels.internal.simd.Species.LANES;

import io.convspark.kernels.internal.PoolWindows;
import jdk.incubator.vector.FloatVector;

/**
 * Vector API pooling, channels in lanes. The first tap is copied and later taps are folded into
 * the output row (still in L1): no vector is carried across loops (JDK 17 would box it), and the
 * channel tail uses a masked load/store.
 */
final class SimdPoolKernels extends PoolWindows {

  @Override
  protected void maxInto(float[] in, int inOff, float[] out, int outOff, int n) {
    int full = F.loopBound(n);
    for (int i = 0; i < full; i += LANES) {
      FloatVector.fromArray(F, out, outOff + i)
          .max(FloatVector.fromArray(F, in, inOff + i))
          .intoArray(out, outOff + i);
    }
    if (full < n) { // masked tail: never touch memory past the channel range
      Tails.store(Tails.load(out, outOff + full, n - full)
          .max(Tails.load(in, inOff + full, n - full)), out, outOff + full, n - full);
    }
  }

  @Override
  protected void addInto(float[] in, int inOff, float[] out, int outOff, int n) {
    int full = F.loopBound(n);
    for (int i = 0; i < full; i += LANES) {
      FloatVector.fromArray(F, out, outOff + i)
          .add(FloatVector.fromArray(F, in, inOff + i))
          .intoArray(out, outOff + i);
    }
    if (full < n) {
      Tails.store(Tails.load(out, outOff + full, n - full)
          .add(Tails.load(in, inOff + full, n - full)), out, outOff + full, n - full);
    }
  }

  @Override
  protected void scale(float[] out, int outOff, int n, float s) {
    int full = F.loopBound(n);
    for (int i = 0; i < full; i += LANES) {
      FloatVector.fromArray(F, out, outOff + i).mul(s).intoArray(out, outOff + i);
    }
    if (full < n) {
      Tails.store(Tails.load(out, outOff + full, n - full).mul(s), out, outOff + full, n - full);
    }
  }
}
