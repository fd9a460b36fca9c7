package io.convspark.plan;

import io.convspark.kernels.WorkerPool;

/**
 * Runs a {@link CompiledModel} on batches of NHWC images. Owns the arena and the worker pool;
 * not thread-safe (one caller at a time); close it to stop its workers. Once warm (the arena
 * sized for the largest batch seen), {@link #run(float[], int, int, float[][])} allocates
 * nothing.
 *
 * <pre>{@code
 * try (ModelSession s = model.newSession(2)) {
 *   float[][] out = s.run(nhwcImages, batch);
 * }
 * }</pre>
 */
public final class ModelSession implements AutoCloseable {
  private final CompiledModel model;
  private final WorkerPool pool;
  private final Frame frame;
  private int capacity;
  private int microBatch;
  private boolean closed;
  /** Per-step nanoseconds while profiling, else null (the run loop then adds no clock reads). */
  private long[] stepNanos;
  private int profiledRuns;

  ModelSession(CompiledModel model, int threads, boolean pin) {
    this.model = model;
    this.pool = WorkerPool.create(threads, pin);
    this.frame = new Frame(pool, model.offsetPerImage.length, model.maxInputs);
    this.frame.arena = new float[0];
    this.microBatch = model.microBatch(threads);
  }

  public CompiledModel model() {
    return model;
  }

  public int threads() {
    return pool.threads();
  }

  /** Convenience: runs and returns fresh output arrays ([batch x outputSize] each). */
  public float[][] run(float[] nhwc, int batch) {
    float[][] outs = new float[model.outputIds.length][];
    for (int i = 0; i < outs.length; i++) {
      outs[i] = new float[batch * model.outputSize(i)];
    }
    run(nhwc, 0, batch, outs);
    return outs;
  }

  /**
   * Runs {@code batch} images stored NHWC from {@code inOff}; output i goes to {@code outs[i]}
   * in ONNX (NCHW) order, {@code outputSize(i)} floats per image. The batch runs in passes of
   * {@link CompiledModel#microBatch(int)} images; results do not depend on the split.
   */
  public void run(float[] nhwc, int inOff, int batch, float[][] outs) {
    checkOpen();
    if (batch <= 0) {
      throw new IllegalArgumentException("cannot run model: batch " + batch + ", must be > 0");
    }
    long need = (long) model.inputSize() * batch;
    if (inOff < 0 || inOff + need > nhwc.length) {
      throw new IllegalArgumentException("cannot run model: input has " + (nhwc.length - inOff)
          + " floats from offset " + inOff + ", " + batch + " images of "
          + model.inputShape() + " need " + need);
    }
    for (int i = 0; i < model.outputIds.length; i++) {
      if (outs[i].length < (long) model.outputSize(i) * batch) {
        throw new IllegalArgumentException("cannot run model: output " + i + " buffer has "
            + outs[i].length + " floats, " + batch + " x " + model.outputSize(i)
            + " are needed");
      }
    }
    int pass = Math.min(batch, microBatch);
    ensureCapacity(pass);
    for (int n0 = 0; n0 < batch; n0 += pass) {
      int b = Math.min(pass, batch - n0);
      runPass(nhwc, inOff + n0 * model.inputSize(), b);
      for (int i = 0; i < model.outputIds.length; i++) {
        copyOut(i, b, outs[i], n0 * model.outputSize(i));
      }
    }
    if (stepNanos != null) {
      profiledRuns++;
    }
  }

  /** Images per pass through the layers; {@link CompiledModel#microBatch(int)} unless set. */
  public int microBatch() {
    return microBatch;
  }

  /** Sets the images per pass (>= 1); larger passes use a larger arena. */
  public void microBatch(int images) {
    if (images < 1) {
      throw new IllegalArgumentException("cannot set micro-batch " + images + ", must be >= 1");
    }
    microBatch = images;
  }

  private void runPass(float[] nhwc, int inOff, int batch) {
    float[] arena = frame.arena;
    for (int v = 0; v < model.offsetPerImage.length; v++) {
      frame.slotOffset[v] = (int) (model.offsetPerImage[v] * batch);
    }
    frame.batch = batch;
    frame.scratchOff = (int) (model.arenaPerImage * batch);
    System.arraycopy(nhwc, inOff, arena, frame.slotOffset[model.inputId],
        model.inputSize() * batch);
    if (stepNanos == null) {
      for (Step s : model.steps) {
        s.run(frame);
      }
    } else {
      runTimed();
    }
  }

  private void runTimed() {
    Step[] steps = model.steps;
    long t0 = System.nanoTime();
    for (int i = 0; i < steps.length; i++) {
      steps[i].run(frame);
      long t1 = System.nanoTime();
      stepNanos[i] += t1 - t0;
      t0 = t1;
    }
  }

  /**
   * Turns per-step timing on (counters reset) or off. Each step's wall time is recorded,
   * including its wait for the worker pool; read it with {@link #stepTimes()}.
   */
  public void profile(boolean on) {
    stepNanos = on ? new long[model.steps.length] : null;
    profiledRuns = 0;
  }

  /** The time per fused step since {@link #profile(boolean) profile(true)}, in plan order. */
  public java.util.List<StepTime> stepTimes() {
    if (stepNanos == null) {
      throw new IllegalStateException("profiling is off: call profile(true) before running");
    }
    java.util.List<StepTime> out = new java.util.ArrayList<>();
    for (int i = 0; i < model.steps.length; i++) {
      Step s = model.steps[i];
      out.add(new StepTime(s.name, s.opType, s.flops() / 1e9, stepNanos[i], profiledRuns));
    }
    return out;
  }

  private void copyOut(int i, int batch, float[] dst, int dstOff) {
    int size = model.outputSize(i);
    int src = frame.slotOffset[model.outputIds[i]];
    var shape = model.outputShapes.get(i);
    if (shape.rank() == 4 && shape.dim(2) * shape.dim(3) > 1) {
      int c = (int) shape.dim(1);
      int hw = (int) (shape.dim(2) * shape.dim(3));
      for (int n = 0; n < batch; n++) {
        for (int p = 0; p < hw; p++) {
          for (int ch = 0; ch < c; ch++) {
            dst[dstOff + n * size + ch * hw + p] = frame.arena[src + n * size + p * c + ch];
          }
        }
      }
    } else {
      System.arraycopy(frame.arena, src, dst, dstOff, size * batch);
    }
  }

  private void ensureCapacity(int batch) {
    if (batch <= capacity) {
      return;
    }
    long floats = (model.arenaPerImage + model.scratchFloats) * batch;
    if (floats > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("cannot run model: batch " + batch + " needs an arena of "
          + floats + " floats, over the 2^31 array limit; use a smaller batch");
    }
    frame.arena = new float[(int) floats];
    capacity = batch;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("ModelSession is closed");
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      pool.close();
      frame.arena = null;
    }
  }
}
