package io.convspark.kernels.internal;

/**
 * Winograd F(2x2, 3x3) transforms in plain Java, channel by channel (Lavin and Gray, "Fast
 * Algorithms for Convolutional Neural Networks", 2015). The SIMD provider runs the same
 * additions in the same order on whole vectors and calls these for a channel tail, so both
 * providers give the same bits.
 *
 * <pre>
 *   B^T = | 1  0 -1  0 |    G = | 1    0    0  |    A^T = | 1  1  1  0 |
 *         | 0  1  1  0 |        | 1/2  1/2  1/2|          | 0  1 -1 -1 |
 *         | 0 -1  1  0 |        | 1/2 -1/2  1/2|
 *         | 0  1  0 -1 |        | 0    0    1  |
 * </pre>
 *
 * Position p = 4 i + j of a tile is entry (i, j) of the 4x4 transform.
 */
public final class WinogradTransforms {
  /** Entries of a transformed tile. */
  public static final int POSITIONS = 16;
  /**
   * Position (1, 1): A^T's column 1 is all ones, so a bias added there reaches each of the four
   * outputs once. Its GEMM starts from the bias; the other fifteen start from zero.
   */
  public static final int BIAS_POSITION = 5;

  private WinogradTransforms() {}

  /** U = G g G^T of one 3x3 kernel {@code g[gOff + 3 y + x]}, in double, rounded once. */
  public static void weights(float[] g, int gOff, double[] u) {
    double[] t = new double[12]; // G g: 4 x 3
    for (int x = 0; x < 3; x++) {
      double g0 = g[gOff + x];
      double g1 = g[gOff + 3 + x];
      double g2 = g[gOff + 6 + x];
      t[x] = g0;
      t[3 + x] = 0.5 * (g0 + g1 + g2);
      t[6 + x] = 0.5 * (g0 - g1 + g2);
      t[9 + x] = g2;
    }
    for (int i = 0; i < 4; i++) {
      double a = t[3 * i];
      double b = t[3 * i + 1];
      double c = t[3 * i + 2];
      u[4 * i] = a;
      u[4 * i + 1] = 0.5 * (a + b + c);
      u[4 * i + 2] = 0.5 * (a - b + c);
      u[4 * i + 3] = c;
    }
  }

  /**
   * B^T d B for channels [c0, c1) of one tile: tile pixel (i, j) at
   * {@code in[base + i * rowStride + j * pixStride + c]}; position p written to
   * {@code v[vBase + p * vStride + c]}. Columns first, then rows; the column results pass
   * through {@code v}.
   */
  public static void input(float[] in, int base, int pixStride, int rowStride, int c0, int c1,
      float[] v, int vBase, int vStride) {
    for (int c = c0; c < c1; c++) {
      for (int j = 0; j < 4; j++) {
        int d = base + j * pixStride + c;
        float d0 = in[d];
        float d1 = in[d + rowStride];
        float d2 = in[d + 2 * rowStride];
        float d3 = in[d + 3 * rowStride];
        v[vBase + j * vStride + c] = d0 - d2;
        v[vBase + (4 + j) * vStride + c] = d1 + d2;
        v[vBase + (8 + j) * vStride + c] = d2 - d1;
        v[vBase + (12 + j) * vStride + c] = d1 - d3;
      }
      for (int i = 0; i < 4; i++) {
        int r = vBase + 4 * i * vStride + c;
        float t0 = v[r];
        float t1 = v[r + vStride];
        float t2 = v[r + 2 * vStride];
        float t3 = v[r + 3 * vStride];
        v[r] = t0 - t2;
        v[r + vStride] = t1 + t2;
        v[r + 2 * vStride] = t2 - t1;
        v[r + 3 * vStride] = t1 - t3;
      }
    }
  }

  /**
   * A^T m A for channels [c0, c1) of one tile: position p at {@code m[mBase + p * mStride + c]};
   * output (y, x) written to {@code out[outBase + y * outRowStride + x * outPixStride + c]} for
   * y &lt; rows, x &lt; cols, after adding {@code res} (laid out like the output from
   * {@code resBase}; null for none) and clamping to [lo, hi].
   */
  public static void output(float[] m, int mBase, int mStride, int c0, int c1, float[] out,
      int outBase, int outPixStride, int outRowStride, int rows, int cols, float lo, float hi,
      float[] res, int resBase) {
    for (int c = c0; c < c1; c++) {
      int b = mBase + c;
      float s00 = m[b] + m[b + 4 * mStride] + m[b + 8 * mStride];
      float s01 = m[b + mStride] + m[b + 5 * mStride] + m[b + 9 * mStride];
      float s02 = m[b + 2 * mStride] + m[b + 6 * mStride] + m[b + 10 * mStride];
      float s03 = m[b + 3 * mStride] + m[b + 7 * mStride] + m[b + 11 * mStride];
      float s10 = m[b + 4 * mStride] - m[b + 8 * mStride] - m[b + 12 * mStride];
      float s11 = m[b + 5 * mStride] - m[b + 9 * mStride] - m[b + 13 * mStride];
      float s12 = m[b + 6 * mStride] - m[b + 10 * mStride] - m[b + 14 * mStride];
      float s13 = m[b + 7 * mStride] - m[b + 11 * mStride] - m[b + 15 * mStride];
      for (int y = 0; y < rows; y++) {
        float a0 = y == 0 ? s00 : s10;
        float a1 = y == 0 ? s01 : s11;
        float a2 = y == 0 ? s02 : s12;
        float a3 = y == 0 ? s03 : s13;
        for (int x = 0; x < cols; x++) {
          float o = x == 0 ? a0 + a1 + a2 : a1 - a2 - a3;
          int at = y * outRowStride + x * outPixStride + c;
          if (res != null) {
            o += res[resBase + at];
          }
          out[outBase + at] = Math.min(Math.max(o, lo), hi);
        }
      }
    }
  }
}
