package io.convspark.kernels.internal.simd;

import static io.convspark.kernels.internal.FloatMath.EXP_MAX;
import static io.convspark.kernels.internal.FloatMath.EXP_MIN;
import static io.convspark.kernels.internal.FloatMath.LN2_HI;
import static io.convspark.kernels.internal.FloatMath.LN2_LO;
import static io.convspark.kernels.internal.FloatMath.LOG2E;
import static io.convspark.kernels.internal.FloatMath.P0;
import static io.convspark.kernels.internal.FloatMath.P1;
import static io.convspark.kernels.internal.FloatMath.P2;
import static io.convspark.kernels.internal.FloatMath.P3;
import static io.convspark.kernels.internal.FloatMath.P4;
import static io.convspark.kernels.internal.FloatMath.P5;
import static io.convspark.kernels.internal.FloatMath.ROUND_MAGIC;
import static io.convspark.kernels.internal.simd.Species.F;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/** Lane-wise twin of {@link io.convspark.kernels.internal.FloatMath}: same ops, same order. */
final class SimdMath {
  private SimdMath() {}

  static FloatVector exp(FloatVector v) {
    FloatVector x = v.max(EXP_MIN).min(EXP_MAX);
    FloatVector n = x.mul(LOG2E).add(ROUND_MAGIC).sub(ROUND_MAGIC);
    FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), x);
    r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
    FloatVector p = FloatVector.broadcast(F, P0).fma(r, FloatVector.broadcast(F, P1));
    p = p.fma(r, FloatVector.broadcast(F, P2));
    p = p.fma(r, FloatVector.broadcast(F, P3));
    p = p.fma(r, FloatVector.broadcast(F, P4));
    p = p.fma(r, FloatVector.broadcast(F, P5));
    FloatVector y = p.fma(r.mul(r), r).add(1f);
    IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0))
        .add(127).lanewise(VectorOperators.LSHL, 23);
    return y.mul(bits.reinterpretAsFloats());
  }

  static FloatVector sigmoid(FloatVector v) {
    FloatVector one = FloatVector.broadcast(F, 1f);
    return one.div(one.add(exp(v.neg())));
  }
}
