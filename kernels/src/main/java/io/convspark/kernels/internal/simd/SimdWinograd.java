package io.convspark.kernels.internal.simd;

import static io.convspark.kernels.internal.simd.Species.F;
import static io.convspark.kernels.internal.simd.Species.LANES;

import io.convspark.kernels.internal.WinogradTransforms;
import jdk.incubator.vector.FloatVector;

/**
 * Winograd F(2x2, 3x3) transforms on whole vectors of channels: the additions of
 * {@link WinogradTransforms} in the same order (same bits), which also takes the channel tail.
 * One flat loop over channel vectors per method, all sixteen entries in registers.
 */
final class SimdWinograd {
  private static final int L = LANES;

  private SimdWinograd() {}

  /**
   * a - b as fma(b, -1, a): the same single rounding, so the same bits. On JDK 17, .sub() in
   * these methods made C2 box vectors in other kernels too (ResNet-50: 1 GB allocated per
   * batch, 35 % slower); fma is what every other kernel uses.
   */
  private static FloatVector sub(FloatVector a, FloatVector b) {
    return b.fma(M1, a);
  }

  private static final FloatVector M1 = FloatVector.broadcast(F, -1f);

  /**
   * Columns then rows, two loops: JDK 17's C2 stops inlining inside one method that holds all
   * 64 vector operations of a tile and runs the rest boxed (ResNet-50: 300 MB allocated per
   * batch). The column results pass through {@code v}, still in L1.
   */
  static void input(float[] in, int base, int ps, int rs, int channels, float[] v, int vBase,
      int vs) {
    int full = channels - channels % L;
    for (int j = 0; j < 4; j++) {
      columns(in, base + j * ps, rs, full, v, vBase + j * vs, 4 * vs);
    }
    for (int i = 0; i < 4; i++) {
      columns(v, vBase + 4 * i * vs, vs, full, v, vBase + 4 * i * vs, vs);
    }
    if (full < channels) {
      WinogradTransforms.input(in, base, ps, rs, full, channels, v, vBase, vs);
    }
  }

  /**
   * One column (or row) of B^T d B over {@code full} channels: d_k at {@code a[from + k *
   * stride]}, results t_k at {@code v[to + k * vStride]}, in place when they coincide.
   */
  private static void columns(float[] a, int from, int stride, int full, float[] v, int to,
      int vStride) {
    for (int c = 0; c < full; c += L) {
      FloatVector d0 = FloatVector.fromArray(F, a, from + c);
      FloatVector d1 = FloatVector.fromArray(F, a, from + stride + c);
      FloatVector d2 = FloatVector.fromArray(F, a, from + 2 * stride + c);
      FloatVector d3 = FloatVector.fromArray(F, a, from + 3 * stride + c);
      sub(d0, d2).intoArray(v, to + c);
      d1.add(d2).intoArray(v, to + vStride + c);
      sub(d2, d1).intoArray(v, to + 2 * vStride + c);
      sub(d1, d3).intoArray(v, to + 3 * vStride + c);
    }
  }

  static void output(float[] m, int mBase, int ms, int channels, float[] out, int outBase,
      int ps, int rs, int rows, int cols, float lo, float hi, float[] res, int resBase) {
    FloatVector vlo = FloatVector.broadcast(F, lo);
    FloatVector vhi = FloatVector.broadcast(F, hi);
    boolean right = cols == 2;
    boolean lower = rows == 2;
    boolean residual = res != null;
    int c = 0;
    for (; c + L <= channels; c += L) {
      int b = mBase + c;
      FloatVector m4 = FloatVector.fromArray(F, m, b + 4 * ms);
      FloatVector m5 = FloatVector.fromArray(F, m, b + 5 * ms);
      FloatVector m6 = FloatVector.fromArray(F, m, b + 6 * ms);
      FloatVector m7 = FloatVector.fromArray(F, m, b + 7 * ms);
      FloatVector m8 = FloatVector.fromArray(F, m, b + 8 * ms);
      FloatVector m9 = FloatVector.fromArray(F, m, b + 9 * ms);
      FloatVector m10 = FloatVector.fromArray(F, m, b + 10 * ms);
      FloatVector m11 = FloatVector.fromArray(F, m, b + 11 * ms);
      FloatVector s00 = FloatVector.fromArray(F, m, b).add(m4).add(m8);
      FloatVector s01 = FloatVector.fromArray(F, m, b + ms).add(m5).add(m9);
      FloatVector s02 = FloatVector.fromArray(F, m, b + 2 * ms).add(m6).add(m10);
      FloatVector s03 = FloatVector.fromArray(F, m, b + 3 * ms).add(m7).add(m11);
      int o = outBase + c;
      int r = resBase + c;
      FloatVector y00 = s00.add(s01).add(s02);
      FloatVector y01 = sub(sub(s01, s02), s03);
      FloatVector s10 = sub(sub(m4, m8), FloatVector.fromArray(F, m, b + 12 * ms));
      FloatVector s11 = sub(sub(m5, m9), FloatVector.fromArray(F, m, b + 13 * ms));
      FloatVector s12 = sub(sub(m6, m10), FloatVector.fromArray(F, m, b + 14 * ms));
      FloatVector s13 = sub(sub(m7, m11), FloatVector.fromArray(F, m, b + 15 * ms));
      FloatVector y10 = s10.add(s11).add(s12);
      FloatVector y11 = sub(sub(s11, s12), s13);
      if (residual) {
        y00 = y00.add(FloatVector.fromArray(F, res, r));
        y01 = right ? y01.add(FloatVector.fromArray(F, res, r + ps)) : y01;
        y10 = lower ? y10.add(FloatVector.fromArray(F, res, r + rs)) : y10;
        y11 = lower && right ? y11.add(FloatVector.fromArray(F, res, r + rs + ps)) : y11;
      }
      y00.max(vlo).min(vhi).intoArray(out, o);
      if (right) {
        y01.max(vlo).min(vhi).intoArray(out, o + ps);
      }
      if (lower) {
        y10.max(vlo).min(vhi).intoArray(out, o + rs);
        if (right) {
          y11.max(vlo).min(vhi).intoArray(out, o + rs + ps);
        }
      }
    }
    if (c < channels) {
      WinogradTransforms.output(m, mBase, ms, c, channels, out, outBase, ps, rs, rows, cols, lo,
          hi, res, resBase);
    }
  }

}
