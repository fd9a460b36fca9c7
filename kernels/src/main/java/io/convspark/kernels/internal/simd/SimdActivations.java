package io.convspark.kernels.internal.simd;

import io.convspark.kernels.Activation;
import io.convspark.kernels.Epilogue;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Vector forms of {@link Activation#apply(float)}; small so that C2 inlines them. */
final class SimdActivations {
  private SimdActivations() {}

  static FloatVector epilogue(Epilogue e, FloatVector v, FloatVector residual) {
    if (e.residual() == Epilogue.Residual.BEFORE_ACTIVATION) {
      v = v.add(residual);
    }
    v = apply(e.activation(), v);
    if (e.residual() == Epilogue.Residual.AFTER_ACTIVATION) {
      v = v.add(residual);
    }
    return v;
  }

  static FloatVector apply(Activation a, FloatVector v) {
    switch (a.kind()) {
      case NONE:
        return v;
      case RELU:
        return v.max(0f);
      case CLIP:
        return v.max(a.alpha()).min(a.beta());
      case LEAKY_RELU:
        return v.blend(v.mul(a.alpha()), v.compare(VectorOperators.LT, 0f));
      case HARD_SIGMOID:
        return v.fma(a.alpha(), a.beta()).max(0f).min(1f);
      case HARD_SWISH:
        return v.mul(v.fma(a.alpha(), a.beta()).max(0f).min(1f));
      case SIGMOID:
        return sigmoid(v);
      case SILU:
        return v.mul(sigmoid(v));
      default:
        throw new AssertionError(a.kind());
    }
  }

  static FloatVector sigmoid(FloatVector v) {
    return SimdMath.sigmoid(v);
  }
}
