package io.convspark.kernels;

import io.convspark.kernels.internal.ElementwiseKernels;
import io.convspark.kernels.internal.KernelProvider;
import io.convspark.kernels.internal.KernelSupport;
import io.convspark.kernels.internal.pool.KernelCall;
import io.convspark.kernels.internal.pool.ParallelTask;
import java.util.Objects;

/**
 * {@code y = act(x * scale[c] + shift[c])} over NHWC [N, H, W, C]: a BatchNormalization that
 * could not be folded into a convolution, with an optional fused activation. Scale and shift are
 * copied at plan time. Immutable and thread-safe; execution allocates nothing.
 *
 * <pre>{@code
 * ChannelAffinePlan bn = ChannelAffinePlan.fromBatchNorm(28, 28, gamma, beta, mean, var, 1e-5f,
 *     Activation.RELU);
 * try (WorkerPool pool = WorkerPool.create(2)) {
 *   bn.execute(pool, x, 0, y, 0, batch);
 * }
 * }</pre>
 */
public final class ChannelAffinePlan {
  private static final int BLOCK_FLOATS = 4096;

  private final ParallelTask task = this::runItems;
  private final int pixels;
  private final int channels;
  private final float[] scale;
  private final float[] shift;
  private final Activation activation;
  private final ElementwiseKernels kernels;
  private final int blockPixels;
  private final int blocks;

  private ChannelAffinePlan(int height, int width, float[] scale, float[] shift, Activation act,
      KernelSupport ks) {
    Objects.requireNonNull(scale, "scale");
    Objects.requireNonNull(shift, "shift");
    this.activation = Objects.requireNonNull(act, "act");
    if (height <= 0 || width <= 0 || scale.length == 0) {
      throw new IllegalArgumentException("cannot plan BatchNormalization: input " + height + "x"
          + width + "x" + scale.length + " (HxWxC), dimensions must be positive");
    }
    if (shift.length != scale.length) {
      throw new IllegalArgumentException("cannot plan BatchNormalization: shift has "
          + shift.length + " values, expected one per channel (" + scale.length + ")");
    }
    if ((long) height * width * scale.length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("cannot plan BatchNormalization: input " + height + "x"
          + width + "x" + scale.length + " (HxWxC), must hold at most 2^31-1 floats per image");
    }
    this.pixels = height * width;
    this.channels = scale.length;
    this.scale = scale.clone();
    this.shift = shift.clone();
    this.kernels = ks.elementwise();
    this.blockPixels = Math.min(pixels, Math.max(1, BLOCK_FLOATS / channels));
    this.blocks = (pixels + blockPixels - 1) / blockPixels;
  }

  /**
   * Plans {@code act(x * scale[c] + shift[c])} with the active kernels; C is {@code scale.length}.
   *
   * @throws IllegalArgumentException if a dimension is not positive or shift's length differs
   */
  public static ChannelAffinePlan create(int height, int width, float[] scale, float[] shift,
      Activation act) {
    return create(height, width, scale, shift, act, KernelProvider.get());
  }

  public static ChannelAffinePlan create(int height, int width, float[] scale, float[] shift,
      Activation act, KernelSupport ks) {
    return new ChannelAffinePlan(height, width, scale, shift, act, ks);
  }

  /**
   * Plans ONNX BatchNormalization (inference): scale = gamma / sqrt(var + epsilon) and
   * shift = beta - mean * scale, computed in double.
   *
   * @throws IllegalArgumentException if the four vectors differ in length or epsilon is negative
   */
  public static ChannelAffinePlan fromBatchNorm(int height, int width, float[] gamma,
      float[] beta, float[] mean, float[] var, float epsilon, Activation act) {
    return fromBatchNorm(height, width, gamma, beta, mean, var, epsilon, act,
        KernelProvider.get());
  }

  public static ChannelAffinePlan fromBatchNorm(int height, int width, float[] gamma,
      float[] beta, float[] mean, float[] var, float epsilon, Activation act, KernelSupport ks) {
    int c = gamma.length;
    if (beta.length != c || mean.length != c || var.length != c) {
      throw new IllegalArgumentException("cannot plan BatchNormalization: scale, B, mean, var"
          + " have " + c + ", " + beta.length + ", " + mean.length + ", " + var.length
          + " values, must all have one per channel");
    }
    if (!(epsilon >= 0f)) {
      throw new IllegalArgumentException("cannot plan BatchNormalization: epsilon " + epsilon
          + ", must be >= 0");
    }
    float[] scale = new float[c];
    float[] shift = new float[c];
    for (int i = 0; i < c; i++) {
      double s = gamma[i] / Math.sqrt((double) var[i] + epsilon);
      scale[i] = (float) s;
      shift[i] = (float) (beta[i] - mean[i] * s);
    }
    return new ChannelAffinePlan(height, width, scale, shift, act, ks);
  }

  /** Computes {@code out = act(in * scale + shift)} for {@code batch} images; may run in place. */
  public void execute(WorkerPool pool, float[] in, int inOff, float[] out, int outOff,
      int batch) {
    pool.call().bind(in, inOff, out, outOff, batch);
    pool.run(task, batch * blocks);
  }

  private void runItems(KernelCall c, int begin, int end) {
    for (int item = begin; item < end; item++) {
      int n = item / blocks;
      int p0 = (item - n * blocks) * blockPixels;
      int np = Math.min(blockPixels, pixels - p0);
      int first = (n * pixels + p0) * channels;
      kernels.channelAffine(c.in, c.inOff + first, scale, shift, c.out, c.outOff + first, np,
          channels);
      kernels.activate(activation, c.out, c.outOff + first, np * channels);
    }
  }
}
