package io.convspark.kernels.internal.simd;

import static io.convspark.kernels.internal.simd.Species.F;
import static io.convspark.kernels.internal.simd.Species.LANES;

import io.convspark.kernels.Activation;
import io.convspark.kernels.Epilogue;
import io.convspark.kernels.internal.ConvKernels;
import jdk.incubator.vector.FloatVector;

/** The hand-written half of the SIMD conv kernels: epilogues, dispatch and channel tails. */
abstract class SimdConvSupport implements ConvKernels {
  private static final int L = LANES;

  @Override
  public int tileRows(int nv) {
    switch (nv) {
      case 4: return 6;
      case 2: return 8;
      case 1: return 12;
      default: throw new IllegalArgumentException("no conv tile for " + nv + " vectors");
    }
  }

  @Override
  public int slideRows() {
    return 8;
  }

  @Override
  public void convSlideTile(int rb, int stride, float[] in, int inBase, int[] kOff,
      int steps, float[] w, int wOff, float[] out, int ob, int ops, int lastLanes, float lo,
      float hi) {
    if (rb == 8 && stride == 1) {
      SimdConvKernels.slide8(in, inBase, kOff, steps, w, wOff, out, ob, ops, lastLanes, lo, hi);
    } else if (rb == 7 && stride == 1) {
      SimdConvKernels.slide7(in, inBase, kOff, steps, w, wOff, out, ob, ops, lastLanes, lo, hi);
    } else if (rb == 8 && stride == 2) {
      SimdConvKernels.slide8s2(in, inBase, kOff, steps, w, wOff, out, ob, ops, lastLanes, lo,
          hi);
    } else if (rb == 7 && stride == 2) {
      SimdConvKernels.slide7s2(in, inBase, kOff, steps, w, wOff, out, ob, ops, lastLanes, lo,
          hi);
    } else {
      for (int r = 0; r < rb; r++) {
        SimdConvKernels.slide1(in, inBase + r * stride * L, kOff, steps, w, wOff, out,
            ob + r * ops, ops, lastLanes, lo, hi);
      }
    }
  }

  @Override
  public void convSlideTile2(int rb, int stride, float[] in, int inBase, int inRowStride,
      int[] kOff, int steps, float[] w, int wOff, float[] out, int ob, int outRowStride, int ops,
      int lastLanes, float lo, float hi) {
    if (rb == 8 && stride == 1) {
      SimdConvKernels.slide8x2(in, inBase, inRowStride, kOff, steps, w, wOff, out, ob,
          outRowStride, ops, lastLanes, lo, hi);
    } else if (rb == 7 && stride == 1) {
      SimdConvKernels.slide7x2(in, inBase, inRowStride, kOff, steps, w, wOff, out, ob,
          outRowStride, ops, lastLanes, lo, hi);
    } else if (rb == 8 && stride == 2) {
      SimdConvKernels.slide8x2s2(in, inBase, inRowStride, kOff, steps, w, wOff, out, ob,
          outRowStride, ops, lastLanes, lo, hi);
    } else if (rb == 7 && stride == 2) {
      SimdConvKernels.slide7x2s2(in, inBase, inRowStride, kOff, steps, w, wOff, out, ob,
          outRowStride, ops, lastLanes, lo, hi);
    } else {
      ConvKernels.super.convSlideTile2(rb, stride, in, inBase, inRowStride, kOff, steps, w,
          wOff, out, ob, outRowStride, ops, lastLanes, lo, hi);
    }
  }

  @Override
  public void splitGroups(float[] in, int inOff, int pixels, int cin, int icg, float[] out,
      int outOff, long planeFloats, int pixelStride) {
    if (icg != L || pixelStride != L) {
      ConvKernels.super.splitGroups(in, inOff, pixels, cin, icg, out, outOff, planeFloats,
          pixelStride);
      return;
    }
    int groups = cin / L;
    for (int p = 0; p < pixels; p++) {
      int src = inOff + p * cin;
      long dst = outOff + (long) p * L;
      for (int g = 0; g < groups; g++) {
        FloatVector.fromArray(F, in, src + g * L).intoArray(out, (int) (dst + g * planeFloats));
      }
    }
  }

  @Override
  public void convTileAccumulate(int nv, int rb, float[] in, int inBase, int ps, int col,
      int rowW, int rowJump, int[] kOff, int kTotal, float[] w, int wOff, float[] out, int ob,
      int ops, int lastLanes, float lo, float hi) {
    if (nv == 4 && lastLanes < L) { // masked methods take whole masks only (see Tails)
      if (rb == 1) {
        SimdConvKernels.conv4x1pa(in, inBase, ps, kOff, kTotal, w, wOff, out, ob, ops, lastLanes,
            lo, hi);
      } else if (rb == 6 && col + rb <= rowW) {
        SimdConvKernels.conv4x6pa(in, inBase, ps, kOff, kTotal, w, wOff, out, ob, ops, lastLanes,
            lo, hi);
      } else if (rb == 6) {
        SimdConvKernels.conv4x6wpa(in, inBase, ps, col, rowW, rowJump, kOff, kTotal, w, wOff, out,
            ob, ops, lastLanes, lo, hi);
      } else {
        throw new IllegalArgumentException("no accumulating conv tile " + nv + "x" + rb);
      }
    } else if (nv == 4 && rb == 1) {
      SimdConvKernels.conv4x1ma(in, inBase, ps, kOff, kTotal, w, wOff, out, ob, ops, lastLanes,
          lo, hi);
    } else if (nv == 4 && rb == 6 && col + rb <= rowW) {
      SimdConvKernels.conv4x6ma(in, inBase, ps, kOff, kTotal, w, wOff, out, ob, ops, lastLanes,
          lo, hi);
    } else if (nv == 4 && rb == 6) {
      SimdConvKernels.conv4x6wma(in, inBase, ps, col, rowW, rowJump, kOff, kTotal, w, wOff, out,
          ob, ops, lastLanes, lo, hi);
    } else {
      throw new IllegalArgumentException("no accumulating conv tile " + nv + "x" + rb);
    }
  }

  @Override
  public int twoRowPixels() {
    return 4;
  }

  @Override
  public int depthwiseRows() {
    return 8;
  }

  @Override
  public void depthwiseTile(int rb, float[] in, int inBase, int ps, int[] tapOff,
      int khBegin, int khEnd, int kwBegin, int kwEnd, int kernelW,
      float[] w, int wOff, float[] out, int ob, int ops, int lanes, float lo, float hi) {
    if (lanes != L) {
      for (int r = 0; r < rb; r++) {
        dwMasked(in, inBase + r * ps, tapOff, khBegin, khEnd, kwBegin, kwEnd, kernelW,
            w, wOff, out, ob + r * ops, lanes, lo, hi);
      }
    } else if (rb == 8 && kernelW == 3 && khBegin == 0 && khEnd == 3 && kwBegin == 0
        && kwEnd == 3 && isStride1Dilation1(tapOff, ps)) {
      SimdConvKernels.dw3x3s1x8(in, inBase, ps, tapOff[3], w, wOff, out, ob, lo, hi);
    } else if (rb == 8 && kernelW == 3 && khBegin == 0 && khEnd == 3 && kwBegin == 0
        && kwEnd == 3 && isStride2Dilation1(tapOff, ps) && ops == tapOff[1]) {
      SimdConvKernels.dw3x3s2x8(in, inBase, tapOff[1], tapOff[3], w, wOff, out, ob, lo, hi);
    } else if (rb == 8) {
      SimdConvKernels.dw8(in, inBase, ps, tapOff, khBegin, khEnd, kwBegin, kwEnd, kernelW,
          w, wOff, out, ob, ops, lo, hi);
    } else {
      for (int r = 0; r < rb; r++) {
        SimdConvKernels.dw1(in, inBase + r * ps, ps, tapOff, khBegin, khEnd, kwBegin, kwEnd,
            kernelW, w, wOff, out, ob + r * ops, ops, lo, hi);
      }
    }
  }

  /** Taps one pixel apart along W, rows evenly spaced, output pixels two input pixels apart. */
  private static boolean isStride2Dilation1(int[] tapOff, int ps) {
    return tapOff.length == 9 && ps == 2 * tapOff[1] && tapOff[2] == 2 * tapOff[1]
        && tapOff[6] == 2 * tapOff[3] && tapOff[4] == tapOff[3] + tapOff[1];
  }

  /** Taps one pixel apart along W, rows evenly spaced: the sliding-window kernel applies. */
  private static boolean isStride1Dilation1(int[] tapOff, int ps) {
    return tapOff.length == 9 && tapOff[1] == ps && tapOff[2] == 2 * ps
        && tapOff[6] == 2 * tapOff[3] && tapOff[4] == tapOff[3] + ps;
  }

  @Override
  public void depthwise3x3TwoRows(float[] in, int inBase, int ps, int rowStride, float[] w,
      int wOff, float[] out, int ob, int outRowStride, int groups, int blocks, float lo,
      float hi) {
    if (blocks > 1 && hi == Float.POSITIVE_INFINITY) {
      SimdConvKernels.dw3x3s1r2x4cblo(in, inBase, ps, rowStride, w, wOff, out, ob,
          outRowStride, groups, blocks, lo, hi);
    } else if (blocks > 1) {
      SimdConvKernels.dw3x3s1r2x4cb(in, inBase, ps, rowStride, w, wOff, out, ob, outRowStride,
          groups, blocks, lo, hi);
    } else if (hi == Float.POSITIVE_INFINITY) {
      SimdConvKernels.dw3x3s1r2x4lo(in, inBase, ps, rowStride, w, wOff, out, ob, outRowStride,
          groups, lo, hi);
    } else {
      SimdConvKernels.dw3x3s1r2x4(in, inBase, ps, rowStride, w, wOff, out, ob, outRowStride,
          groups, lo, hi);
    }
  }

  // Channel tail: partial loads keep reads inside the tensor.
  private static void dwMasked(float[] in, int inBase, int[] tapOff, int khBegin, int khEnd,
      int kwBegin, int kwEnd, int kernelW, float[] w, int wOff, float[] out, int ob, int lanes,
      float lo, float hi) {
    FloatVector acc = FloatVector.fromArray(F, w, wOff);
    int kh = khBegin;
    int kw = kwBegin;
    int n = (khEnd - khBegin) * (kwEnd - kwBegin);
    for (int i = 0; i < n; i++) {
      int t = kh * kernelW + kw;
      FloatVector wv = FloatVector.fromArray(F, w, wOff + L + t * L);
      acc = Tails.load(in, inBase + tapOff[t], lanes).fma(wv, acc);
      if (++kw == kwEnd) {
        kw = kwBegin;
        kh++;
      }
    }
    Tails.store(FloatVector.broadcast(F, hi).min(FloatVector.broadcast(F, lo).max(acc)), out, ob,
        lanes);
  }

  @Override
  public void epilogue(Epilogue e, float[] out, int ob, int ops, int pixels, int channels,
      float[] res, int rb, int rps) {
    Activation.Kind k = e.activation().kind();
    if (res != null && (k == Activation.Kind.NONE || k == Activation.Kind.RELU
        || k == Activation.Kind.CLIP)) {
      float lo = k == Activation.Kind.NONE ? Float.NEGATIVE_INFINITY
          : k == Activation.Kind.RELU ? 0f : e.activation().alpha();
      float hi = k == Activation.Kind.CLIP ? e.activation().beta() : Float.POSITIVE_INFINITY;
      residualClamp(e.residual() == Epilogue.Residual.BEFORE_ACTIVATION, lo, hi, out, ob, ops,
          pixels, channels, res, rb, rps);
      return;
    }
    int full = channels - channels % L;
    for (int p = 0; p < pixels; p++) {
      int o = ob + p * ops;
      int r = rb + p * rps;
      for (int c = 0; c < full; c += L) {
        FloatVector v = FloatVector.fromArray(F, out, o + c);
        FloatVector x = res == null ? null : FloatVector.fromArray(F, res, r + c);
        SimdActivations.epilogue(e, v, x).intoArray(out, o + c);
      }
      if (full < channels) {
        int n = channels - full;
        FloatVector v = Tails.load(out, o + full, n);
        FloatVector x = res == null ? null : Tails.load(res, r + full, n);
        Tails.store(SimdActivations.epilogue(e, v, x), out, o + full, n);
      }
    }
  }

  /**
   * ResNet's add(+ReLU): a loop of its own. The general path's null residual and activation
   * switch kept JDK 25's C2 from scalarizing the vectors (RegNetX's residual 1x1 convs ran at
   * 37-111 GFLOP/s on JDK 25 against 160-184 on JDK 17). Same bits as the general path.
   */
  private static void residualClamp(boolean before, float lo, float hi, float[] out, int ob,
      int ops, int pixels, int channels, float[] res, int rb, int rps) {
    if (ops == channels && rps == channels && pixels > 1) {
      // Contiguous pixels (a block holding every channel): one flat run, so a channel count
      // that is not a multiple of the lanes needs at most one masked access (they box on JDK 17).
      residualClamp(before, lo, hi, out, ob, pixels * channels, 1, pixels * channels, res, rb,
          pixels * channels);
      return;
    }
    int full = channels - channels % L;
    FloatVector lov = FloatVector.broadcast(F, lo);
    FloatVector hiv = FloatVector.broadcast(F, hi);
    for (int p = 0; p < pixels; p++) {
      int o = ob + p * ops;
      int r = rb + p * rps;
      for (int c = 0; c < full; c += L) {
        FloatVector v = FloatVector.fromArray(F, out, o + c);
        FloatVector x = FloatVector.fromArray(F, res, r + c);
        v = before ? v.add(x).max(lov).min(hiv) : v.max(lov).min(hiv).add(x);
        v.intoArray(out, o + c);
      }
      if (full < channels) {
        int n = channels - full;
        FloatVector v = Tails.load(out, o + full, n);
        FloatVector x = Tails.load(res, r + full, n);
        v = before ? v.add(x).max(lov).min(hiv) : v.max(lov).min(hiv).add(x);
        Tails.store(v, out, o + full, n);
      }
    }
  }

  @Override
  public void winogradInput(float[] in, int base, int pixStride, int rowStride, int channels,
      float[] v, int vBase, int vStride) {
    SimdWinograd.input(in, base, pixStride, rowStride, channels, v, vBase, vStride);
  }

  @Override
  public void winogradOutput(float[] m, int mBase, int mStride, int channels, float[] out,
      int outBase, int outPixStride, int outRowStride, int rows, int cols, float lo, float hi,
      float[] res, int resBase) {
    SimdWinograd.output(m, mBase, mStride, channels, out, outBase, outPixStride, outRowStride,
        rows, cols, lo, hi, res, resBase);
  }
}
