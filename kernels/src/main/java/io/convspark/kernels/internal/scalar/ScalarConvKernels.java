package io.convspark.kernels.internal.scalar;

import io.convspark.kernels.Epilogue;
import io.convspark.kernels.internal.ConvKernels;

/**
 * Plain-Java conv kernels. Accumulators live in the output tile itself (it stays in L1), and the
 * innermost loop runs over the 16 lanes of a panel so C2 can auto-vectorize it. Math.fma keeps
 * the rounding identical to the SIMD kernels.
 */
final class ScalarConvKernels implements ConvKernels {
  private static final int L = ScalarKernelSupport.LANES;

  @Override
  public int tileRows(int nv) {
    return 4;
  }

  @Override
  public int slideRows() {
    return 4;
  }

  @Override
  public void convSlideTile(int rb, int stride, float[] in, int inBase, int[] kOff,
      int steps, float[] w, int wOff, float[] out, int ob, int ops, int lastLanes, float lo,
      float hi) {
    for (int r = 0; r < rb; r++) {
      System.arraycopy(w, wOff, out, ob + r * ops, lastLanes);
    }
    int wp = wOff + L;
    for (int k = 0; k < steps; k++, wp += 3 * L) {
      int src = inBase + kOff[k];
      for (int r = 0; r < rb; r++) {
        int o = ob + r * ops;
        for (int kw = 0; kw < 3; kw++) {
          float x = in[src + (r * stride + kw) * L];
          int wk = wp + kw * L;
          for (int l = 0; l < lastLanes; l++) {
            out[o + l] = Math.fma(w[wk + l], x, out[o + l]);
          }
        }
      }
    }
    for (int r = 0; r < rb; r++) {
      clamp(out, ob + r * ops, lastLanes, lo, hi);
    }
  }

  @Override
  public int depthwiseRows() {
    return 4;
  }

  @Override
  public void convTile(int nv, int rb, float[] in, int inBase, int ps, int col, int rowW,
      int rowJump, int[] kOff, int kTotal, float[] w, int wOff, float[] out, int ob, int ops,
      int lastLanes, float lo, float hi) {
    int width = nv * L;
    int valid = width - L + lastLanes;
    for (int r = 0; r < rb; r++) {
      System.arraycopy(w, wOff, out, ob + r * ops, valid);
    }
    reduce(nv, rb, in, inBase, ps, col, rowW, rowJump, kOff, kTotal, w, wOff, out, ob, ops,
        lastLanes, lo, hi);
  }

  @Override
  public void convTileAccumulate(int nv, int rb, float[] in, int inBase, int ps, int col,
      int rowW, int rowJump, int[] kOff, int kTotal, float[] w, int wOff, float[] out, int ob,
      int ops, int lastLanes, float lo, float hi) {
    reduce(nv, rb, in, inBase, ps, col, rowW, rowJump, kOff, kTotal, w, wOff, out, ob, ops,
        lastLanes, lo, hi);
  }

  private static void reduce(int nv, int rb, float[] in, int inBase, int ps, int col,
      int rowW, int rowJump, int[] kOff, int kTotal, float[] w, int wOff, float[] out, int ob,
      int ops, int lastLanes, float lo, float hi) {
    int width = nv * L;
    int valid = width - L + lastLanes;
    int wp = wOff + width;
    for (int k = 0; k < kTotal; k++, wp += width) {
      int src = inBase + (kOff == null ? k : kOff[k]);
      int cc = col;
      for (int r = 0; r < rb; r++, src += ps) {
        float x = in[src];
        if (++cc == rowW) {
          cc = 0;
          src += rowJump;
        }
        int o = ob + r * ops;
        for (int l = 0; l < valid; l++) {
          out[o + l] = Math.fma(w[wp + l], x, out[o + l]);
        }
      }
    }
    for (int r = 0; r < rb; r++) {
      clamp(out, ob + r * ops, valid, lo, hi);
    }
  }

  private static void clamp(float[] out, int off, int n, float lo, float hi) {
    for (int l = 0; l < n; l++) {
      out[off + l] = Math.min(Math.max(out[off + l], lo), hi);
    }
  }

  @Override
  public void epilogue(Epilogue e, float[] out, int ob, int ops, int pixels, int channels,
      float[] res, int rb, int rps) {
    for (int p = 0; p < pixels; p++) {
      int o = ob + p * ops;
      int r = rb + p * rps;
      for (int c = 0; c < channels; c++) {
        out[o + c] = ScalarActivations.epilogue(e, out[o + c], res == null ? 0f : res[r + c]);
      }
    }
  }

  @Override
  public int twoRowPixels() {
    return 4;
  }

  @Override
  public void depthwise3x3TwoRows(float[] in, int inBase, int ps, int rowStride, float[] w,
      int wOff, float[] out, int ob, int outRowStride, int groups, int blocks, float lo,
      float hi) {
    for (int k = 0; k < blocks; k++) {
      for (int row = 0; row < 2; row++) {
        for (int r = 0; r < groups * twoRowPixels(); r++) {
          int o = ob + k * L + row * outRowStride + r * ps;
          int wk = wOff + k * 10 * L;
          System.arraycopy(w, wk, out, o, L);
          for (int t = 0; t < 9; t++) {
            int src = inBase + k * L + (row + t / 3) * rowStride + (r + t % 3) * ps;
            int wt = wk + L + t * L;
            for (int l = 0; l < L; l++) {
              out[o + l] = Math.fma(in[src + l], w[wt + l], out[o + l]);
            }
          }
          clamp(out, o, L, lo, hi);
        }
      }
    }
  }

  @Override
  public void depthwiseTile(int rb, float[] in, int inBase, int ps, int[] tapOff,
      int khBegin, int khEnd, int kwBegin, int kwEnd, int kernelW,
      float[] w, int wOff, float[] out, int ob, int ops, int lanes, float lo, float hi) {
    for (int r = 0; r < rb; r++) {
      int o = ob + r * ops;
      System.arraycopy(w, wOff, out, o, lanes);
      for (int kh = khBegin; kh < khEnd; kh++) {
        for (int kw = kwBegin; kw < kwEnd; kw++) {
          int t = kh * kernelW + kw;
          int src = inBase + r * ps + tapOff[t];
          int wt = wOff + L + t * L;
          for (int l = 0; l < lanes; l++) {
            out[o + l] = Math.fma(in[src + l], w[wt + l], out[o + l]);
          }
        }
      }
      clamp(out, o, lanes, lo, hi);
    }
  }
}
