package io.convspark.kernels;

import io.convspark.kernels.internal.ElementwiseKernels;
import io.convspark.kernels.internal.KernelProvider;
import io.convspark.kernels.internal.KernelSupport;
import io.convspark.kernels.internal.pool.KernelCall;
import io.convspark.kernels.internal.pool.ParallelTask;

/**
 * ONNX Softmax (opset 13, axis -1) over [rows, D]: {@code exp(x - max) / sum exp(x - max)} per
 * row. A row is one work item. Immutable and thread-safe; execution allocates nothing.
 *
 * <pre>{@code
 * SoftmaxPlan softmax = SoftmaxPlan.create(1000);
 * try (WorkerPool pool = WorkerPool.create(2)) {
 *   softmax.execute(pool, logits, 0, probabilities, 0, batch);
 * }
 * }</pre>
 */
public final class SoftmaxPlan {
  private final ParallelTask task = this::runItems;
  private final int size;
  private final ElementwiseKernels kernels;

  private SoftmaxPlan(int size, KernelSupport ks) {
    if (size <= 0) {
      throw new IllegalArgumentException("cannot plan Softmax: last axis " + size
          + ", must be positive");
    }
    this.size = size;
    this.kernels = ks.elementwise();
  }

  /**
   * Plans a softmax over rows of {@code size} values with the active kernels.
   *
   * @throws IllegalArgumentException if {@code size} is not positive
   */
  public static SoftmaxPlan create(int size) {
    return create(size, KernelProvider.get());
  }

  public static SoftmaxPlan create(int size, KernelSupport ks) {
    return new SoftmaxPlan(size, ks);
  }

  public int size() {
    return size;
  }

  /** Softmax of {@code rows} rows at {@code in[inOff]} into {@code out[outOff]}; may run in place. */
  public void execute(WorkerPool pool, float[] in, int inOff, float[] out, int outOff,
      int rows) {
    pool.call().bind(in, inOff, out, outOff, rows);
    pool.run(task, rows);
  }

  private void runItems(KernelCall c, int begin, int end) {
    for (int r = begin; r < end; r++) {
      kernels.softmax(c.in, c.inOff + r * size, c.out, c.outOff + r * size, size);
    }
  }
}
