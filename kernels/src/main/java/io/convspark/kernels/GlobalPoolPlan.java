package io.convspark.kernels;

import io.convspark.kernels.internal.KernelProvider;
import io.convspark.kernels.internal.KernelSupport;
import io.convspark.kernels.internal.PoolKernels;
import io.convspark.kernels.internal.pool.KernelCall;
import io.convspark.kernels.internal.pool.ParallelTask;

/**
 * ONNX GlobalAveragePool or GlobalMaxPool: NHWC [N, H, W, C] to [N, 1, 1, C]. Work items are
 * (image, block of {@value #CHANNEL_BLOCK} channels), so one image still uses every thread.
 * Immutable and thread-safe; execution allocates nothing.
 *
 * <pre>{@code
 * GlobalPoolPlan gap = GlobalPoolPlan.average(7, 7, 2048);
 * try (WorkerPool pool = WorkerPool.create(2)) {
 *   gap.execute(pool, features, 0, pooled, 0, batch);
 * }
 * }</pre>
 */
public final class GlobalPoolPlan {
  /** Channels per work item: a multiple of every vector width, so only the last block has a tail. */
  static final int CHANNEL_BLOCK = 64;

  private final ParallelTask task = this::runItems;
  private final Pool2dPlan.Kind kind;
  private final int height;
  private final int width;
  private final int channels;
  private final int blocks;
  private final float scale;
  private final PoolKernels kernels;

  private GlobalPoolPlan(Pool2dPlan.Kind kind, int height, int width, int channels,
      KernelSupport ks) {
    String op = kind == Pool2dPlan.Kind.MAX ? "GlobalMaxPool" : "GlobalAveragePool";
    if (height <= 0 || width <= 0 || channels <= 0) {
      throw new IllegalArgumentException("cannot plan " + op + ": input " + height + "x" + width
          + "x" + channels + " (HxWxC), dimensions must be positive");
    }
    if ((long) height * width * channels > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("cannot plan " + op + ": input " + height + "x" + width
          + "x" + channels + " (HxWxC), must hold at most 2^31-1 floats per image");
    }
    this.kind = kind;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.blocks = (channels + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK;
    this.scale = (float) (1.0 / ((double) height * width));
    this.kernels = ks.pool();
  }

  /**
   * Plans GlobalAveragePool with the active kernels.
   *
   * @throws IllegalArgumentException if a dimension is not positive
   */
  public static GlobalPoolPlan average(int height, int width, int channels) {
    return average(height, width, channels, KernelProvider.get());
  }

  public static GlobalPoolPlan average(int height, int width, int channels, KernelSupport ks) {
    return new GlobalPoolPlan(Pool2dPlan.Kind.AVERAGE, height, width, channels, ks);
  }

  /**
   * Plans GlobalMaxPool with the active kernels.
   *
   * @throws IllegalArgumentException if a dimension is not positive
   */
  public static GlobalPoolPlan max(int height, int width, int channels) {
    return max(height, width, channels, KernelProvider.get());
  }

  public static GlobalPoolPlan max(int height, int width, int channels, KernelSupport ks) {
    return new GlobalPoolPlan(Pool2dPlan.Kind.MAX, height, width, channels, ks);
  }

  public Pool2dPlan.Kind kind() {
    return kind;
  }

  /** Pools {@code batch} H x W x C images at {@code in[inOff]} into C floats each at {@code out[outOff]}. */
  public void execute(WorkerPool pool, float[] in, int inOff, float[] out, int outOff,
      int batch) {
    pool.call().bind(in, inOff, out, outOff, batch);
    pool.run(task, batch * blocks);
  }

  private void runItems(KernelCall c, int begin, int end) {
    int pixels = height * width;
    for (int item = begin; item < end; item++) {
      int n = item / blocks;
      int c0 = (item - n * blocks) * CHANNEL_BLOCK;
      int cn = Math.min(CHANNEL_BLOCK, channels - c0);
      int inPos = c.inOff + n * pixels * channels + c0;
      int outPos = c.outOff + n * channels + c0;
      if (kind == Pool2dPlan.Kind.MAX) {
        kernels.globalMax(c.in, inPos, pixels, channels, cn, c.out, outPos);
      } else {
        kernels.globalAverage(c.in, inPos, pixels, channels, cn, scale, c.out, outPos);
      }
    }
  }
}
