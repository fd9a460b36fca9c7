package io.convspark.kernels.internal.simd;

import static io.convspark.kernels.internal.simd.Species.F;
import static io.convspark.kernels.internal.simd.Species.LANES;

import jdk.incubator.vector.FloatVector;

/**
 * Loads and stores of a partial vector (a channel tail). JDK 17's C2 does not intrinsify a
 * masked access whose mask is partial, and the branch it takes lives in the profile of
 * FloatVector.fromArray/intoArray themselves: once any partial mask ran, every masked access
 * in the JVM boxed its vector, whole masks included (a 4-vector GEMM tile: 210 -> 276 ns, 480
 * bytes allocated per tile; MobileNetV2 in Spark allocated gigabytes). On JDK 17 tails
 * therefore go through a small array instead; JDK 25 intrinsifies partial masks.
 */
final class Tails {
  static final boolean MASKED = Boolean.parseBoolean(System.getProperty(
      "convspark.kernels.maskedTails", "" + (Runtime.version().feature() >= 25)));

  private Tails() {}

  /** The first {@code lanes} floats from {@code a[off]}, zeros after. */
  static FloatVector load(float[] a, int off, int lanes) {
    if (MASKED) {
      return FloatVector.fromArray(F, a, off, Species.prefix(lanes));
    }
    float[] t = new float[LANES];
    System.arraycopy(a, off, t, 0, lanes);
    return FloatVector.fromArray(F, t, 0);
  }

  /** Stores the first {@code lanes} lanes of {@code v} at {@code a[off]}. */
  static void store(FloatVector v, float[] a, int off, int lanes) {
    if (MASKED) {
      v.intoArray(a, off, Species.prefix(lanes));
      return;
    }
    float[] t = new float[LANES];
    v.intoArray(t, 0);
    System.arraycopy(t, 0, a, off, lanes);
  }
}
