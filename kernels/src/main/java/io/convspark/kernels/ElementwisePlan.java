package io.convspark.kernels;

import io.convspark.kernels.internal.ElementwiseKernels;
import io.convspark.kernels.internal.KernelProvider;
import io.convspark.kernels.internal.KernelSupport;
import io.convspark.kernels.internal.pool.KernelCall;
import io.convspark.kernels.internal.pool.ParallelTask;
import java.util.Objects;

/**
 * ONNX Add, Sub, Mul or Div of an NHWC tensor A [N, H, W, C] and a second operand B broadcast as
 * {@link Broadcast} says, then an optional fused activation: {@code out = act(A op B)}. The output
 * has A's shape and may be A itself (in place). Work items are (image, block of pixels).
 * Immutable and thread-safe; execution allocates nothing.
 *
 * <pre>{@code
 * // squeeze-excite: features * sigmoid-gate, gate is [N, 1, 1, C]
 * ElementwisePlan scale = ElementwisePlan.create(Op.MUL, Broadcast.IMAGE_CHANNEL, 14, 14, 96,
 *     Activation.NONE);
 * try (WorkerPool pool = WorkerPool.create(2)) {
 *   scale.execute(pool, features, 0, gate, 0, out, 0, batch);
 * }
 * }</pre>
 */
public final class ElementwisePlan {
  /** The binary operator, applied as {@code A op B}. */
  public enum Op { ADD, SUB, MUL, DIV }

  /** The shape of B relative to A [N, H, W, C]. */
  public enum Broadcast {
    /** B is [N, H, W, C], like A. */
    SAME,
    /** B is [C] (or [1, 1, 1, C]): one value per channel. */
    CHANNEL,
    /** B is [N, 1, 1, C]: one value per image and channel, as in squeeze-excite. */
    IMAGE_CHANNEL,
    /** B is a single value. */
    SCALAR
  }

  /** Floats per work item: big enough to amortize dispatch, small enough to stay in L1. */
  private static final int BLOCK_FLOATS = 4096;

  private final ParallelTask task = this::runItems;
  private final Op op;
  private final Broadcast broadcast;
  private final int height;
  private final int width;
  private final int channels;
  private final Activation activation;
  private final ElementwiseKernels kernels;
  private final int pixels;
  private final int blockPixels;
  private final int blocks;

  private ElementwisePlan(Op op, Broadcast broadcast, int height, int width, int channels,
      Activation activation, KernelSupport ks) {
    this.op = Objects.requireNonNull(op, "op");
    this.broadcast = Objects.requireNonNull(broadcast, "broadcast");
    this.activation = Objects.requireNonNull(activation, "activation");
    String name = switch (op) {
      case ADD -> "Add";
      case SUB -> "Sub";
      case MUL -> "Mul";
      case DIV -> "Div";
    };
    if (height <= 0 || width <= 0 || channels <= 0) {
      throw new IllegalArgumentException("cannot plan " + name + ": input " + height + "x"
          + width + "x" + channels + " (HxWxC), dimensions must be positive");
    }
    if ((long) height * width * channels > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("cannot plan " + name + ": input " + height + "x"
          + width + "x" + channels + " (HxWxC), must hold at most 2^31-1 floats per image");
    }
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.kernels = ks.elementwise();
    this.pixels = height * width;
    this.blockPixels = Math.min(pixels, Math.max(1, BLOCK_FLOATS / channels));
    this.blocks = (pixels + blockPixels - 1) / blockPixels;
  }

  /**
   * Plans {@code act(A op B)} with the active kernels.
   *
   * @throws IllegalArgumentException if a dimension is not positive
   * @throws NullPointerException if {@code op}, {@code broadcast} or {@code act} is null
   */
  public static ElementwisePlan create(Op op, Broadcast broadcast, int height, int width,
      int channels, Activation act) {
    return create(op, broadcast, height, width, channels, act, KernelProvider.get());
  }

  public static ElementwisePlan create(Op op, Broadcast broadcast, int height, int width,
      int channels, Activation act, KernelSupport ks) {
    return new ElementwisePlan(op, broadcast, height, width, channels, act, ks);
  }

  public Op op() {
    return op;
  }

  public Broadcast broadcast() {
    return broadcast;
  }

  public Activation activation() {
    return activation;
  }

  /** Floats of B per batch of {@code batch} images. */
  public long operandCount(int batch) {
    return switch (broadcast) {
      case SAME -> (long) batch * pixels * channels;
      case CHANNEL -> channels;
      case IMAGE_CHANNEL -> (long) batch * channels;
      case SCALAR -> 1;
    };
  }

  /**
   * Computes {@code out = act(a op b)} for {@code batch} images; {@code out} may alias {@code a}
   * exactly (same array and offset).
   */
  public void execute(WorkerPool pool, float[] a, int aOff, float[] b, int bOff, float[] out,
      int outOff, int batch) {
    KernelCall c = pool.call();
    c.in = a;
    c.inOff = aOff;
    c.aux = b;
    c.auxOff = bOff;
    c.out = out;
    c.outOff = outOff;
    c.batch = batch;
    pool.run(task, batch * blocks);
  }

  private void runItems(KernelCall c, int begin, int end) {
    for (int item = begin; item < end; item++) {
      int n = item / blocks;
      int p0 = (item - n * blocks) * blockPixels;
      int np = Math.min(blockPixels, pixels - p0);
      int first = (n * pixels + p0) * channels;
      int count = np * channels;
      switch (broadcast) {
        case SAME:
          kernels.binary(op, c.in, c.inOff + first, c.aux, c.auxOff + first, c.out,
              c.outOff + first, count);
          break;
        case SCALAR:
          kernels.binaryScalar(op, c.in, c.inOff + first, c.aux[c.auxOff], c.out,
              c.outOff + first, count);
          break;
        default:
          int bPos = c.auxOff + (broadcast == Broadcast.IMAGE_CHANNEL ? n * channels : 0);
          for (int p = 0; p < count; p += channels) {
            kernels.binary(op, c.in, c.inOff + first + p, c.aux, bPos, c.out,
                c.outOff + first + p, channels);
          }
          break;
      }
      kernels.activate(activation, c.out, c.outOff + first, count);
    }
  }
}
