package io.convspark.kernels.internal.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** The one float species every SIMD kernel uses: a constant, so C2 can intrinsify. */
final class Species {
  static final VectorSpecies<Float> F = pick();
  static final int LANES = F.length();

  private Species() {}

  private static VectorSpecies<Float> pick() {
    int bits = Integer.getInteger("convspark.kernels.vectorBits", 0);
    VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
    if (bits <= 0 || bits >= preferred.vectorBitSize()) {
      return preferred;
    }
    return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
  }

  /** Prefix masks built once: indexInRange allocates on JDK 17 even in compiled code. */
  private static final VectorMask<Float>[] PREFIX = prefixes();

  /** Mask of the first {@code n} lanes, {@code 0 <= n <= LANES}. */
  static VectorMask<Float> prefix(int n) {
    return PREFIX[n];
  }

  @SuppressWarnings("unchecked")
  private static VectorMask<Float>[] prefixes() {
    VectorMask<Float>[] m = (VectorMask<Float>[]) new VectorMask<?>[LANES + 1];
    for (int i = 0; i <= LANES; i++) {
      m[i] = F.indexInRange(0, i);
    }
    return m;
  }
}
