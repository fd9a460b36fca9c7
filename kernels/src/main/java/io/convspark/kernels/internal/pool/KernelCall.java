package io.convspark.kernels.internal.pool;

/**
 * The buffers of one kernel invocation. A {@link io.convspark.kernels.WorkerPool} owns one and
 * reuses it for every call, so that an immutable, shared plan can run without allocating.
 * Fields are written by the calling thread before dispatch; the dispatch publishes them.
 */
public final class KernelCall {
  public float[] in;
  public int inOff;
  public float[] out;
  public int outOff;
  /** Residual or second operand; may be null. */
  public float[] aux;
  public int auxOff;
  /** Caller-owned scratch, sized by the plan. */
  public float[] scratch;
  public int scratchOff;
  /** Batch size, or rows for row-wise ops. */
  public int batch;
  /** Which image of the batch a per-image phase works on. */
  public int image;
  /** Work items a plan split the call into, for tasks that divide their work themselves. */
  public int parts;

  /**
   * Buffers that belong to one worker each and outlive a call: a task run over exactly
   * {@code threads} items gets item w on worker w, which alone touches buffer w.
   */
  private final float[][] workerScratch;

  public KernelCall(int threads) {
    this.workerScratch = new float[threads][];
  }

  /**
   * Worker {@code worker}'s buffer of at least {@code floats} floats, kept for later calls:
   * allocated when a larger plan first runs, then reused (no allocation per call).
   */
  public float[] workerScratch(int worker, int floats) {
    float[] a = workerScratch[worker];
    if (a == null || a.length < floats) {
      a = new float[floats];
      workerScratch[worker] = a;
    }
    return a;
  }

  /** Sets input, output and batch: the fields every plan uses. */
  public KernelCall bind(float[] in, int inOff, float[] out, int outOff, int batch) {
    this.in = in;
    this.inOff = inOff;
    this.out = out;
    this.outOff = outOff;
    this.batch = batch;
    return this;
  }

  public void clear() {
    in = out = aux = scratch = null;
    inOff = outOff = auxOff = scratchOff = batch = image = parts = 0;
  }
}
