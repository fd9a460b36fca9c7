package io.convspark.kernels.internal.simd;

import static io.convspark.kernels.internal.simd.Species.F;
import static io.convspark.kernels.internal.simd.Species.LANES;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * 8-bit 3-channel pixels to floats without shuffles: output lane l of a vector at position i is
 * channel c = (i + l) % 3 and reads byte i + l + (from[c] - c), so each distinct shift
 * from[c] - c (at most three, in -2..2) is one unaligned byte load, widened to floats, and the
 * lanes are blended by channel. Same float operations as the scalar loop, so the same bits.
 */
final class SimdPixels {
  // JDK 17 does not intrinsify widening a byte vector to a larger shape: each conversion
  // allocated and the loop ran 2x slower than scalar code (measured); JDK 25 runs it 3.4x faster.
  private static final VectorSpecies<Byte> B = LANES >= 8 && Runtime.version().feature() >= 21
      ? VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8)) : null;
  private static final VectorSpecies<Integer> I = F.withLanes(int.class);
  /** Lane l holds (r + l) % 3 for phase r: a vector's channel per lane. */
  private static final FloatVector[] CHANNEL = channels();

  private SimdPixels() {}

  /** Whether {@link #bytesToFloats3} can run: byte vectors exist for this float width. */
  static boolean available() {
    return B != null;
  }

  private static FloatVector[] channels() {
    FloatVector[] v = new FloatVector[3];
    float[] lanes = new float[LANES];
    for (int r = 0; r < 3; r++) {
      for (int l = 0; l < LANES; l++) {
        lanes[l] = (r + l) % 3;
      }
      v[r] = FloatVector.fromArray(F, lanes, 0);
    }
    return v;
  }

  /**
   * The vector part of {@code ElementwiseKernels.bytesToFloats3}: writes outputs [lo, hi) of
   * the 3 x pixels and returns hi; the caller does the rest with scalar code. Loads stay
   * inside {@code src}: the first output is 3 and the last load ends 2 bytes past the range.
   */
  static int bytesToFloats3(byte[] src, int srcOff, int n, int[] from, float[] mul,
      float[] add, float[] out, int outOff) {
    int lo = 3;
    int step = 3 * LANES; // a multiple of 3: every pass starts at channel 0
    int hi = lo;
    while (hi + step <= n && srcOff + hi + step + 2 <= src.length) {
      hi += step;
    }
    if (hi == lo) {
      return lo;
    }
    int s0 = from[0];
    int s1 = from[1] - 1;
    int s2 = from[2] - 2;
    // Phase r = the channel of a vector's lane 0: 0, 1, 2 for the three vectors of a pass.
    FloatVector m0 = scaled(mul, 0);
    FloatVector m1 = scaled(mul, 1);
    FloatVector m2 = scaled(mul, 2);
    FloatVector a0 = scaled(add, 0);
    FloatVector a1 = scaled(add, 1);
    FloatVector a2 = scaled(add, 2);
    // Lanes that need shift s1 (channel 1) and s2 (channel 2); the rest take s0.
    VectorMask<Float> c1r0 = CHANNEL[0].eq(1f);
    VectorMask<Float> c2r0 = CHANNEL[0].eq(2f);
    VectorMask<Float> c1r1 = CHANNEL[1].eq(1f);
    VectorMask<Float> c2r1 = CHANNEL[1].eq(2f);
    VectorMask<Float> c1r2 = CHANNEL[2].eq(1f);
    VectorMask<Float> c2r2 = CHANNEL[2].eq(2f);
    // One flat loop: vectors returned from a call C2 did not inline are boxed.
    for (int i = lo; i < hi; i += step) {
      int b = srcOff + i;
      int o = outOff + i;
      FloatVector x0 = ((FloatVector) ((IntVector) ByteVector.fromArray(B, src, b + s0)
          .convertShape(VectorOperators.B2I, I, 0)).and(0xFF)
          .convertShape(VectorOperators.I2F, F, 0));
      FloatVector y0 = ((FloatVector) ((IntVector) ByteVector.fromArray(B, src, b + s1)
          .convertShape(VectorOperators.B2I, I, 0)).and(0xFF)
          .convertShape(VectorOperators.I2F, F, 0));
      FloatVector z0 = ((FloatVector) ((IntVector) ByteVector.fromArray(B, src, b + s2)
          .convertShape(VectorOperators.B2I, I, 0)).and(0xFF)
          .convertShape(VectorOperators.I2F, F, 0));
      x0.blend(y0, c1r0).blend(z0, c2r0).mul(m0).add(a0).intoArray(out, o);
      int b1 = b + LANES;
      FloatVector x1 = ((FloatVector) ((IntVector) ByteVector.fromArray(B, src, b1 + s0)
          .convertShape(VectorOperators.B2I, I, 0)).and(0xFF)
          .convertShape(VectorOperators.I2F, F, 0));
      FloatVector y1 = ((FloatVector) ((IntVector) ByteVector.fromArray(B, src, b1 + s1)
          .convertShape(VectorOperators.B2I, I, 0)).and(0xFF)
          .convertShape(VectorOperators.I2F, F, 0));
      FloatVector z1 = ((FloatVector) ((IntVector) ByteVector.fromArray(B, src, b1 + s2)
          .convertShape(VectorOperators.B2I, I, 0)).and(0xFF)
          .convertShape(VectorOperators.I2F, F, 0));
      x1.blend(y1, c1r1).blend(z1, c2r1).mul(m1).add(a1).intoArray(out, o + LANES);
      int b2 = b + 2 * LANES;
      FloatVector x2 = ((FloatVector) ((IntVector) ByteVector.fromArray(B, src, b2 + s0)
          .convertShape(VectorOperators.B2I, I, 0)).and(0xFF)
          .convertShape(VectorOperators.I2F, F, 0));
      FloatVector y2 = ((FloatVector) ((IntVector) ByteVector.fromArray(B, src, b2 + s1)
          .convertShape(VectorOperators.B2I, I, 0)).and(0xFF)
          .convertShape(VectorOperators.I2F, F, 0));
      FloatVector z2 = ((FloatVector) ((IntVector) ByteVector.fromArray(B, src, b2 + s2)
          .convertShape(VectorOperators.B2I, I, 0)).and(0xFF)
          .convertShape(VectorOperators.I2F, F, 0));
      x2.blend(y2, c1r2).blend(z2, c2r2).mul(m2).add(a2).intoArray(out, o + 2 * LANES);
    }
    return hi;
  }

  /** For phase r: lane l holds v[(r + l) % 3]. */
  private static FloatVector scaled(float[] v, int r) {
    FloatVector ch = CHANNEL[r];
    return FloatVector.broadcast(F, v[2]).blend(FloatVector.broadcast(F, v[0]), ch.eq(0f))
        .blend(FloatVector.broadcast(F, v[1]), ch.eq(1f));
  }
}
