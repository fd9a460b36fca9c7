package io.convspark.kernels.internal;

/**
 * One implementation of every micro-kernel: {@code ScalarKernelSupport} (plain Java, always
 * available) or {@code SimdKernelSupport} (Vector API). Chosen once by {@link KernelProvider}.
 */
public interface KernelSupport {
  /** For logs and benchmark reports, e.g. "simd 512-bit (16 lanes)" or "scalar". */
  String name();

  /** Floats per vector; packed weight panels are this wide. */
  int lanes();

  boolean isVectorized();

  ConvKernels conv();

  PoolKernels pool();

  ElementwiseKernels elementwise();
}
