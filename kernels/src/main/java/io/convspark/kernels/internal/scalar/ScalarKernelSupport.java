package io.convspark.kernels.internal.scalar;

import io.convspark.kernels.internal.ConvKernels;
import io.convspark.kernels.internal.ElementwiseKernels;
import io.convspark.kernels.internal.KernelSupport;
import io.convspark.kernels.internal.PoolKernels;

/**
 * Plain-Java kernels: complete production code for JVMs without the Vector API. Panels are 16
 * floats wide, like AVX-512, and inner loops run over lanes so that C2 can auto-vectorize them.
 */
public final class ScalarKernelSupport implements KernelSupport {
  public static final int LANES = 16;
  private final ConvKernels conv = new ScalarConvKernels();
  private final PoolKernels pool = new ScalarPoolKernels();
  private final ElementwiseKernels elementwise = new ScalarElementwiseKernels();

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public int lanes() {
    return LANES;
  }

  @Override
  public boolean isVectorized() {
    return false;
  }

  @Override
  public ConvKernels conv() {
    return conv;
  }

  @Override
  public PoolKernels pool() {
    return pool;
  }

  @Override
  public ElementwiseKernels elementwise() {
    return elementwise;
  }
}
