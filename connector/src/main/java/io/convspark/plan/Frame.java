package io.convspark.plan;

import io.convspark.kernels.WorkerPool;

/** What a step sees while running one batch: the session's pool, arena and batch size. */
final class Frame {
  final WorkerPool pool;
  float[] arena;
  /** Images the arena holds. */
  int capacity;
  int batch;
  /** Arena offset of the shared conv scratch, after all values. */
  int scratchOff;
  /** Start of each storage slot for the current batch. */
  final int[] slotOffset;
  /** Reused by Concat so that running allocates nothing. */
  final float[][] arrays;
  final int[] offsets;
  /** Where the model's tail runs over groups of images (see TailSegment), or null. */
  Frame tail;
  /** Per-step nanoseconds while this frame's runs are profiled, else null. */
  long[] stepNanos;

  Frame(WorkerPool pool, int slots, int maxInputs) {
    this.pool = pool;
    this.slotOffset = new int[slots];
    this.arrays = new float[maxInputs][];
    this.offsets = new int[maxInputs];
  }
}
