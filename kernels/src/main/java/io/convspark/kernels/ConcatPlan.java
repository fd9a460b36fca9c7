package io.convspark.kernels;

import io.convspark.kernels.internal.pool.KernelCall;
import io.convspark.kernels.internal.pool.ParallelTask;

/**
 * ONNX Concat of NHWC tensors [N, H, W, C_k] along channels into [N, H, W, sum C_k]. Each input is
 * one parallel pass over blocks of pixels; a pixel's C_k floats are one contiguous copy.
 * Immutable and thread-safe; execution allocates nothing.
 *
 * <pre>{@code
 * ConcatPlan cat = ConcatPlan.create(28, 28, 64, 32);
 * float[][] inputs = {branch1, branch2};
 * int[] offsets = {0, 0};
 * try (WorkerPool pool = WorkerPool.create(2)) {
 *   cat.execute(pool, inputs, offsets, out, 0, batch);
 * }
 * }</pre>
 */
public final class ConcatPlan {
  private static final int BLOCK_FLOATS = 8192;

  private final ParallelTask[] tasks;
  private final int pixels;
  private final int[] channels;
  private final int[] channelOffset;
  private final int outChannels;
  private final int blockPixels;

  private ConcatPlan(int height, int width, int[] channels) {
    if (channels.length == 0) {
      throw new IllegalArgumentException("cannot plan Concat: 0 inputs, must have at least one");
    }
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("cannot plan Concat: spatial size " + height + "x"
          + width + ", dimensions must be positive");
    }
    this.channels = channels.clone();
    this.channelOffset = new int[channels.length];
    long total = 0;
    for (int k = 0; k < channels.length; k++) {
      if (channels[k] <= 0) {
        throw new IllegalArgumentException("cannot plan Concat: input " + k + " has "
            + channels[k] + " channels, must be positive");
      }
      channelOffset[k] = (int) Math.min(total, Integer.MAX_VALUE);
      total += channels[k];
    }
    if ((long) height * width * total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("cannot plan Concat: output " + height + "x" + width
          + "x" + total + " (HxWxC), must hold at most 2^31-1 floats per image");
    }
    this.pixels = height * width;
    this.outChannels = (int) total;
    this.blockPixels = Math.max(1, BLOCK_FLOATS / outChannels);
    this.tasks = new ParallelTask[channels.length];
    for (int k = 0; k < channels.length; k++) {
      final int input = k;
      tasks[k] = (c, begin, end) -> copy(input, c, begin, end);
    }
  }

  /**
   * Plans a concat of inputs with {@code channels[k]} channels each, all {@code height} x
   * {@code width}.
   *
   * @throws IllegalArgumentException if there is no input or a dimension is not positive
   */
  public static ConcatPlan create(int height, int width, int... channels) {
    return new ConcatPlan(height, width, channels);
  }

  public int inputCount() {
    return channels.length;
  }

  public int outChannels() {
    return outChannels;
  }

  /**
   * Concatenates {@code batch} images of each {@code inputs[k]} (starting at {@code inOffs[k]})
   * into {@code out[outOff]}. Both arrays have {@link #inputCount()} entries.
   */
  public void execute(WorkerPool pool, float[][] inputs, int[] inOffs, float[] out, int outOff,
      int batch) {
    assert inputs.length == channels.length && inOffs.length == channels.length;
    int total = batch * pixels;
    int items = (total + blockPixels - 1) / blockPixels;
    KernelCall c = pool.call();
    c.out = out;
    c.outOff = outOff;
    c.batch = batch;
    for (int k = 0; k < tasks.length; k++) {
      c.in = inputs[k];
      c.inOff = inOffs[k];
      pool.run(tasks[k], items);
    }
  }

  private void copy(int k, KernelCall c, int begin, int end) {
    int ck = channels[k];
    int p0 = begin * blockPixels;
    int p1 = Math.min(c.batch * pixels, end * blockPixels);
    int src = c.inOff + p0 * ck;
    int dst = c.outOff + p0 * outChannels + channelOffset[k];
    for (int p = p0; p < p1; p++, src += ck, dst += outChannels) {
      System.arraycopy(c.in, src, c.out, dst, ck);
    }
  }
}
