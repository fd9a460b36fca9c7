package io.convspark.kernels.internal.scalar;

import io.convspark.kernels.Epilogue;

/** Scalar epilogue; float math so that it matches the SIMD kernels closely. */
final class ScalarActivations {
  private ScalarActivations() {}

  static float epilogue(Epilogue e, float v, float residual) {
    return e.apply(v, residual);
  }
}
