package io.convspark.kernels;

import io.convspark.kernels.internal.KernelProvider;
import io.convspark.kernels.internal.KernelSupport;
import io.convspark.kernels.internal.PoolKernels;
import io.convspark.kernels.internal.pool.KernelCall;
import io.convspark.kernels.internal.pool.ParallelTask;

/**
 * ONNX MaxPool or AveragePool over a batch of NHWC images. Window bounds and divisors are
 * computed once here, per output row and column; execution splits (image, output row) items
 * across the pool and allocates nothing. Immutable and thread-safe.
 *
 * <pre>{@code
 * Pool2dPlan plan = Pool2dPlan.maxPool(Pool2dShape.of(112, 112, 64, 3, 2, 1));
 * try (WorkerPool pool = WorkerPool.create(2)) {
 *   plan.execute(pool, input, 0, output, 0, batch);
 * }
 * }</pre>
 */
public final class Pool2dPlan {
  /** The pooling operator. */
  public enum Kind { MAX, AVERAGE }

  private final ParallelTask task = this::runItems;
  private final Kind kind;
  private final Pool2dShape shape;
  private final boolean countIncludePad;
  private final PoolKernels kernels;
  private final int outH;
  private final int outW;
  private final int[] tapOff;
  // Per output row (h) / column (w): clipped tap range and, for count_include_pad, the number
  // of taps inside the explicitly padded input.
  private final int[] khBegin;
  private final int[] khEnd;
  private final int[] hPadded;
  private final int[] kwBegin;
  private final int[] kwEnd;
  private final int[] wPadded;

  private Pool2dPlan(Kind kind, Pool2dShape s, boolean countIncludePad, KernelSupport ks) {
    this.kind = kind;
    this.shape = s;
    this.countIncludePad = countIncludePad;
    this.kernels = ks.pool();
    this.outH = s.outH();
    this.outW = s.outW();
    this.tapOff = new int[s.kernelH() * s.kernelW()];
    for (int kh = 0; kh < s.kernelH(); kh++) {
      for (int kw = 0; kw < s.kernelW(); kw++) {
        tapOff[kh * s.kernelW() + kw] =
            (kh * s.dilationH() * s.inW() + kw * s.dilationW()) * s.channels();
      }
    }
    khBegin = new int[outH];
    khEnd = new int[outH];
    hPadded = new int[outH];
    axis(s.inH(), s.padTop(), s.padBottom(), s.kernelH(), s.strideH(), s.dilationH(),
        khBegin, khEnd, hPadded);
    kwBegin = new int[outW];
    kwEnd = new int[outW];
    wPadded = new int[outW];
    axis(s.inW(), s.padLeft(), s.padRight(), s.kernelW(), s.strideW(), s.dilationW(),
        kwBegin, kwEnd, wPadded);
  }

  /**
   * Plans ONNX MaxPool with the active kernels.
   *
   * @throws IllegalArgumentException if the shape is invalid (see {@link Pool2dShape})
   */
  public static Pool2dPlan maxPool(Pool2dShape s) {
    return maxPool(s, KernelProvider.get());
  }

  public static Pool2dPlan maxPool(Pool2dShape s, KernelSupport ks) {
    s.validate("MaxPool");
    return new Pool2dPlan(Kind.MAX, s, false, ks);
  }

  /**
   * Plans ONNX AveragePool with the active kernels. With {@code countIncludePad} the divisor
   * counts taps in the explicit padding, but not taps past the end padding that ceil mode adds.
   *
   * @throws IllegalArgumentException if the shape is invalid (see {@link Pool2dShape})
   */
  public static Pool2dPlan averagePool(Pool2dShape s, boolean countIncludePad) {
    return averagePool(s, countIncludePad, KernelProvider.get());
  }

  public static Pool2dPlan averagePool(Pool2dShape s, boolean countIncludePad,
      KernelSupport ks) {
    s.validate("AveragePool");
    return new Pool2dPlan(Kind.AVERAGE, s, countIncludePad, ks);
  }

  public Kind kind() {
    return kind;
  }

  public Pool2dShape shape() {
    return shape;
  }

  public boolean countIncludePad() {
    return countIncludePad;
  }

  /**
   * Pools {@code batch} images at {@code in[inOff]} into {@code out[outOff]}, both NHWC, of
   * {@link Pool2dShape#inputCount()} and {@link Pool2dShape#outputCount()} floats per image.
   */
  public void execute(WorkerPool pool, float[] in, int inOff, float[] out, int outOff,
      int batch) {
    pool.call().bind(in, inOff, out, outOff, batch);
    pool.run(task, batch * outH);
  }

  private void runItems(KernelCall c, int begin, int end) {
    Pool2dShape s = shape;
    int channels = s.channels();
    int inImage = s.inH() * s.inW() * channels;
    for (int item = begin; item < end; item++) {
      int n = item / outH;
      int oh = item - n * outH;
      int ih0 = oh * s.strideH() - s.padTop();
      int rowBase = c.inOff + n * inImage + ih0 * s.inW() * channels;
      int outPos = c.outOff + item * outW * channels;
      int khB = khBegin[oh];
      int khE = khEnd[oh];
      for (int ow = 0; ow < outW; ow++, outPos += channels) {
        int inBase = rowBase + (ow * s.strideW() - s.padLeft()) * channels;
        if (kind == Kind.MAX) {
          kernels.maxPool(c.in, inBase, tapOff, khB, khE, kwBegin[ow], kwEnd[ow], s.kernelW(),
              channels, c.out, outPos);
        } else {
          int divisor = countIncludePad ? hPadded[oh] * wPadded[ow]
              : (khE - khB) * (kwEnd[ow] - kwBegin[ow]);
          kernels.averagePool(c.in, inBase, tapOff, khB, khE, kwBegin[ow], kwEnd[ow],
              s.kernelW(), channels, divisor > 0 ? 1f / divisor : 0f, c.out, outPos);
        }
      }
    }
  }

  /** Fills one axis' tables: taps of output o at o*stride - padBegin + k*dilation. */
  private static void axis(int in, int padBegin, int padEnd, int kernel, int stride,
      int dilation, int[] begin, int[] end, int[] padded) {
    for (int o = 0; o < begin.length; o++) {
      int start = o * stride - padBegin;
      int b = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
      int e = start > in - 1 ? 0 : Math.min(kernel, (in - 1 - start) / dilation + 1);
      begin[o] = Math.min(b, kernel);
      end[o] = Math.max(e, begin[o]);
      padded[o] = Math.min(kernel, (in + padEnd - 1 - start) / dilation + 1);
    }
  }
}
