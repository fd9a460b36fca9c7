package io.convspark.kernels.internal;

/**
 * Pooling micro-kernels over NHWC data, channels contiguous. Kernels trust their arguments:
 * plans validate and only {@code assert} here.
 *
 * <p>A window kernel reads taps kh in [khBegin, khEnd) x kw in [kwBegin, kwEnd); tap
 * t = kh * kernelW + kw of the window starts at {@code in[inBase + tapOff[t]]}. The plan clips the
 * ranges to the input, so {@code inBase} itself may point before the image (padding) but every
 * visited tap is inside it.
 */
public interface PoolKernels {
  /**
   * Max over the window's taps for {@code channels} contiguous channels, stored at
   * {@code out[outOff]}. An empty window stores -infinity.
   */
  void maxPool(float[] in, int inBase, int[] tapOff, int khBegin, int khEnd, int kwBegin,
      int kwEnd, int kernelW, int channels, float[] out, int outOff);

  /** Sum over the window's taps times {@code scale} (1 / divisor); an empty window stores 0. */
  void averagePool(float[] in, int inBase, int[] tapOff, int khBegin, int khEnd, int kwBegin,
      int kwEnd, int kernelW, int channels, float scale, float[] out, int outOff);

  /**
   * Max over {@code pixels} pixels {@code pixelStride} floats apart, for {@code channels}
   * contiguous channels starting at {@code in[inOff]}.
   */
  void globalMax(float[] in, int inOff, int pixels, int pixelStride, int channels,
      float[] out, int outOff);

  /** Sum over {@code pixels} pixels times {@code scale}, laid out as in {@link #globalMax}. */
  void globalAverage(float[] in, int inOff, int pixels, int pixelStride, int channels,
      float scale, float[] out, int outOff);
}
