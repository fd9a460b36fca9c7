package io.convspark.kernels.internal;

import io.convspark.kernels.Epilogue;

/**
 * Convolution micro-kernels over NHWC data and packed weights. Kernels trust their arguments:
 * plans validate and only {@code assert} here.
 */
public interface ConvKernels {
  /** Register-block height (output pixels per tile) used with {@code nv} channel vectors. */
  int tileRows(int nv);

  /**
   * Direct-convolution tile: {@code rb} output pixels x {@code nv} vectors of output channels.
   * Accumulators start at the panel's bias and run over {@code kTotal} reduction steps; step k
   * reads input {@code in[inBase + origin(r) + kOff[k]]} for pixel r and weights
   * {@code w[wOff + nv*L + k*nv*L ...]}. The last vector stores only {@code lastLanes} lanes.
   * Stored values are clamped to [lo, hi]: ReLU and Clip cost no epilogue pass.
   *
   * <p>A tile may cross output rows: {@code origin(r) = r * inPixStride + (col + r) / rowW *
   * rowJump}, where the first pixel is column {@code col} of rows {@code rowW} pixels wide and
   * the next row's input starts {@code rowJump} floats further than a plain stride would put
   * it. A 7-wide output row then costs 7 pixel slots instead of two shifted 6-pixel tiles.
   *
   * @param nv 1, 2 or 4
   * @param rb 1 or {@link #tileRows(int) tileRows(nv)}
   * @param kOff input offset of each reduction step, or null for offset k (1x1 GEMM tiles,
   *     which then never cross rows)
   */
  void convTile(int nv, int rb, float[] in, int inBase, int inPixStride, int col, int rowW,
      int rowJump, int[] kOff, int kTotal, float[] w, int wOff, float[] out, int outBase,
      int outPixStride, int lastLanes, float lo, float hi);

  /**
   * As {@link #convTile}, adding {@code res} (laid out like the outputs, from {@code resBase})
   * to the accumulators before the clamp, in the tile's one store. Returns false, writing
   * nothing, for tiles it has no kernel for; the caller then runs convTile and the epilogue.
   */
  default boolean convTileResidual(int nv, int rb, float[] in, int inBase, int inPixStride,
      int col, int rowW, int rowJump, int[] kOff, int kTotal, float[] w, int wOff, float[] out,
      int outBase, int outPixStride, int lastLanes, float lo, float hi, float[] res,
      int resBase) {
    return false;
  }

  /**
   * As {@link #convTile} for {@code nv == 4}, but the accumulators start from the outputs
   * already stored instead of the bias (at {@code w[wOff]}, not read): one slice of a reduction
   * too long for its weight panel to stay in L2. Same bits as the unsliced tile.
   */
  void convTileAccumulate(int nv, int rb, float[] in, int inBase, int inPixStride, int col, int rowW,
      int rowJump, int[] kOff, int kTotal, float[] w, int wOff, float[] out, int outBase,
      int outPixStride, int lastLanes, float lo, float hi);

  /**
   * Applies activation and residual in place to {@code pixels} x {@code channels} outputs that a
   * tile just wrote (still in L1).
   */
  void epilogue(Epilogue e, float[] out, int outBase, int outPixStride, int pixels, int channels,
      float[] res, int resBase, int resPixStride);

  /** Sliding-window tile height (output pixels per tile). */
  int slideRows();

  /**
   * Sliding-window tile for kernel width 3, stride 1 or 2, dilation 1, one vector of output
   * channels, over a group plane whose pixels are L (the provider's lanes) floats apart (a constant, so
   * the SIMD kernels' broadcast offsets are too: C2 then merges their range checks). Step
   * k = (kh, ic) reads input columns {@code in[inBase + kOff[k] + i * L]} for i in
   * [0, (rb - 1) * stride + 3) and three weight vectors (kw = 0, 1, 2) at
   * {@code w[wOff + L + k*3*L]}; pixel r takes column r * stride + kw, in kw order.
   *
   * @param rb 1 to {@link #slideRows()}
   */
  void convSlideTile(int rb, int stride, float[] in, int inBase, int[] kOff, int steps,
      float[] w, int wOff, float[] out, int outBase, int outPixStride, int lastLanes, float lo,
      float hi);

  /**
   * Two rows of {@link #convSlideTile}: input rows {@code inBase} and {@code inBase +
   * inRowStride}, output rows {@code outBase} and {@code outBase + outRowStride}. Each weight
   * vector feeds both rows. Same bits as two {@link #convSlideTile} calls.
   */
  default void convSlideTile2(int rb, int stride, float[] in, int inBase, int inRowStride,
      int[] kOff, int steps, float[] w, int wOff, float[] out, int outBase, int outRowStride,
      int outPixStride, int lastLanes, float lo, float hi) {
    convSlideTile(rb, stride, in, inBase, kOff, steps, w, wOff, out, outBase, outPixStride,
        lastLanes, lo, hi);
    convSlideTile(rb, stride, in, inBase + inRowStride, kOff, steps, w, wOff, out,
        outBase + outRowStride, outPixStride, lastLanes, lo, hi);
  }

  /**
   * Splits {@code pixels} NHWC pixels of {@code cin} channels into group planes for the
   * sliding tiles: group g's {@code icg} channels of pixel p go to
   * {@code out[outOff + g * planeFloats + p * pixelStride]} (floats past icg are left alone).
   */
  default void splitGroups(float[] in, int inOff, int pixels, int cin, int icg, float[] out,
      int outOff, long planeFloats, int pixelStride) {
    int groups = cin / icg;
    for (int p = 0; p < pixels; p++) {
      for (int g = 0; g < groups; g++) {
        System.arraycopy(in, inOff + p * cin + g * icg, out,
            (int) (outOff + g * planeFloats + (long) p * pixelStride), icg);
      }
    }
  }

  /**
   * Two output rows of a 3x3, stride-1, dilation-1 depthwise conv over full windows,
   * {@code groups} x {@link #twoRowPixels()} pixels each, {@code blocks} full vectors of
   * channels (block k reads weights at {@code wOff + k * 10 * lanes}): input rows
   * {@code inBase + k * rowStride} for k in [0, 4), output rows {@code outBase} and
   * {@code outBase + outRowStride}. Same bits as {@link #depthwiseTile} calls.
   */
  void depthwise3x3TwoRows(float[] in, int inBase, int ps, int rowStride, float[] w, int wOff,
      float[] out, int outBase, int outRowStride, int groups, int blocks, float lo, float hi);

  /** Pixels per row of {@link #depthwise3x3TwoRows}. */
  int twoRowPixels();

  /** Depthwise tile height (output pixels per tile). */
  int depthwiseRows();

  /**
   * Depthwise tile over one vector of channels: {@code rb} output pixels, taps
   * kh in [khBegin, khEnd) x kw in [kwBegin, kwEnd); tap t = kh * kernelW + kw reads
   * {@code in[inBase + r * inPixStride + tapOff[t]]} and weights {@code w[wOff + L + t * L]}
   * (bias at {@code w[wOff]}). Only {@code lanes} channels are valid; outputs clamped to
   * [lo, hi].
   *
   * @param rb 1 or {@link #depthwiseRows()}
   */
  void depthwiseTile(int rb, float[] in, int inBase, int inPixStride, int[] tapOff,
      int khBegin, int khEnd, int kwBegin, int kwEnd, int kernelW,
      float[] w, int wOff, float[] out, int outBase, int outPixStride, int lanes,
      float lo, float hi);

  /**
   * Winograd F(2x2, 3x3) input transform B^T d B of one 4x4 tile, {@code channels} channels:
   * tile pixel (i, j) at {@code in[base + i * rowStride + j * pixStride + c]}, position p at
   * {@code v[vBase + p * vStride + c]}. See {@link WinogradTransforms}.
   */
  default void winogradInput(float[] in, int base, int pixStride, int rowStride, int channels,
      float[] v, int vBase, int vStride) {
    WinogradTransforms.input(in, base, pixStride, rowStride, 0, channels, v, vBase, vStride);
  }

  /**
   * Winograd F(2x2, 3x3) output transform A^T m A of one tile, {@code channels} channels:
   * position p at {@code m[mBase + p * mStride + c]}; writes {@code rows} x {@code cols} (1 or
   * 2 each) outputs, adding {@code res} (laid out like the output, or null) before the clamp to
   * [lo, hi].
   */
  default void winogradOutput(float[] m, int mBase, int mStride, int channels, float[] out,
      int outBase, int outPixStride, int outRowStride, int rows, int cols, float lo, float hi,
      float[] res, int resBase) {
    WinogradTransforms.output(m, mBase, mStride, 0, channels, out, outBase, outPixStride,
        outRowStride, rows, cols, lo, hi, res, resBase);
  }
}
