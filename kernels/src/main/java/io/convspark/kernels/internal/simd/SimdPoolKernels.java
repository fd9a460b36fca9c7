package io.convspark.kernels.internal.simd;

import static io.convspark.kernels.internal.simd.Species.F;
import static io.convspark.kernels.internal.simd.Species.LANES;

import io.convspark.kernels.internal.PoolWindows;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

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
      VectorMask<Float> m = Species.prefix(n - full);
      FloatVector.fromArray(F, out, outOff + full, m)
          .max(FloatVector.fromArray(F, in, inOff + full, m))
          .intoArray(out, outOff + full, m);
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
      VectorMask<Float> m = Species.prefix(n - full);
      FloatVector.fromArray(F, out, outOff + full, m)
          .add(FloatVector.fromArray(F, in, inOff + full, m))
          .intoArray(out, outOff + full, m);
    }
  }

  @Override
  protected void scale(float[] out, int outOff, int n, float s) {
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
