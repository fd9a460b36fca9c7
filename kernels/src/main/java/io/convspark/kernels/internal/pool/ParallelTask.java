package io.convspark.kernels.internal.pool;

/** A data-parallel loop body over work items [begin, end); items are independent. */
@FunctionalInterface
public interface ParallelTask {
  void run(KernelCall call, int begin, int end);
}
