package io.convspark.kernels.internal.simd;

import io.convspark.kernels.internal.ConvKernels;
import io.convspark.kernels.internal.ElementwiseKernels;
import io.convspark.kernels.internal.KernelSupport;
import io.convspark.kernels.internal.PoolKernels;

/** Vector API kernels; loaded reflectively by KernelProvider only when the module is present. */
public final class SimdKernelSupport implements KernelSupport {
  private final ConvKernels conv = new SimdConvKernels();
  private final PoolKernels pool = new SimdPoolKernels();
  private final ElementwiseKernels elementwise = new SimdElementwiseKernels();

  public SimdKernelSupport() {
    if (Species.LANES < 4) {
      throw new UnsupportedOperationException("vector species " + Species.F
          + " is narrower than 128 bits");
    }
  }

  @Override
  public String name() {
    return "simd " + Species.F.vectorBitSize() + "-bit (" + Species.LANES + " lanes)";
  }

  @Override
  public int lanes() {
    return Species.LANES;
  }

  @Override
  public boolean isVectorized() {
    return true;
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
