package io.convspark.plan;

import io.convspark.kernels.ArrayAlignment;
import io.convspark.kernels.WorkerPool;
import io.convspark.kernels.internal.pool.KernelCall;
import io.convspark.kernels.internal.pool.ParallelTask;

/**
 * Runs a {@link CompiledModel} on batches of NHWC images. Owns the arenas and the worker pool;
 * not thread-safe (one caller at a time); close it to stop its workers. Once warm (the arenas
 * sized for the largest pass seen), {@link #run(float[], int, int, float[][])} allocates
 * nothing.
 *
 * <p>With several threads a batch is split by image: each worker runs its share of the images
 * through every layer alone, in its own arena, so layers need no barrier between threads. Only
 * the images left over (fewer than the threads) run with every layer split across the pool.
 * MobileNetV2, batch 16 on 2 threads: split by image it scales 1.9x, split by layer 1.5x.
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
  /** Layers split across the pool (leftover images, profiling, one thread). */
  private final Frame frame;
  /** One per worker, each with a pool of its own thread only: images split across workers. */
  private final Frame[] imageFrames;
  private final ParallelTask imageTask = this::runImageShares;
  private int microBatch;
  private int imageMicroBatch;
  private boolean splitImages = true;
  private boolean closed;
  /** Per-step nanoseconds while profiling, else null (the run loop then adds no clock reads). */
  private long[] stepNanos;
  private boolean profileByImage;
  private int profiledRuns;
  // The batch being split by image, read by the workers after pool.run publishes it.
  private float[] shareIn;
  private int shareInOff;
  private int sharePerWorker;
  private float[][] shareOuts;

  ModelSession(CompiledModel model, int threads, boolean pin) {
    this.model = model;
    this.pool = WorkerPool.create(threads, pin);
    this.frame = newFrame(pool);
    this.imageFrames = new Frame[threads > 1 ? threads : 0];
    for (int i = 0; i < imageFrames.length; i++) {
      imageFrames[i] = newFrame(WorkerPool.singleThreaded());
    }
    this.microBatch = model.microBatch(threads);
    this.imageMicroBatch = model.microBatch(1);
  }

  private Frame newFrame(WorkerPool p) {
    Frame f = new Frame(p, model.offsetPerImage.length, model.maxInputs);
    f.arena = new float[0];
    if (model.tail != null) {
      f.tail = new Frame(p, model.offsetPerImage.length, model.maxInputs);
      f.tail.arena = new float[0];
    }
    return f;
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
    int threads = imageFrames.length;
    boolean split = splitImages && (stepNanos == null || profileByImage) && threads > 1;
    int perWorker = split ? batch / threads : 0;
    if (perWorker > 0) {
      shareIn = nhwc;
      shareInOff = inOff;
      sharePerWorker = perWorker;
      shareOuts = outs;
      try {
        pool.run(imageTask, threads);
      } finally {
        shareIn = null;
        shareOuts = null;
      }
    }
    int done = perWorker * threads;
    if (done < batch) {
      runPasses(frame, microBatch, nhwc, inOff, done, batch - done, outs);
    }
    if (stepNanos != null) {
      profiledRuns++;
    }
  }

  /** Worker w runs images [w * perWorker, (w + 1) * perWorker) on its own frame. */
  private void runImageShares(KernelCall unused, int begin, int end) {
    for (int w = begin; w < end; w++) {
      runPasses(imageFrames[w], imageMicroBatch, shareIn, shareInOff, w * sharePerWorker,
          sharePerWorker, shareOuts);
    }
  }

  private void runPasses(Frame f, int pass, float[] nhwc, int inOff, int first, int count,
      float[][] outs) {
    int group = model.tailGroup(count);
    if (group > 0) {
      runGroups(f, pass, group, nhwc, inOff, first, count, outs);
      return;
    }
    int p = Math.min(pass, count);
    ensureCapacity(f, p);
    for (int n0 = first; n0 < first + count; n0 += p) {
      int b = Math.min(p, first + count - n0);
      runPass(f, nhwc, inOff + n0 * model.inputSize(), b);
      for (int i = 0; i < model.outputIds.length; i++) {
        copyOut(f, i, b, outs[i], n0 * model.outputSize(i));
      }
    }
  }

  /**
   * The head's layers in passes of {@code pass} images, each pass's boundary values copied into
   * the tail frame; then the tail's layers once over the group (see {@link TailSegment}).
   */
  private void runGroups(Frame f, int pass, int group, float[] nhwc, int inOff, int first,
      int count, float[][] outs) {
    TailSegment tail = model.tail;
    Frame t = f.tail;
    int p = Math.min(pass, group);
    ensureCapacity(f, p);
    ensureTailCapacity(t, group);
    for (int g0 = first; g0 < first + count; g0 += group) {
      int gb = Math.min(group, first + count - g0);
      place(t, tail.offsetPerImage, tail.arenaPerImage, gb);
      for (int n0 = g0; n0 < g0 + gb; n0 += p) {
        int b = Math.min(p, g0 + gb - n0);
        place(f, model.offsetPerImage, model.arenaPerImage, b);
        System.arraycopy(nhwc, inOff + n0 * model.inputSize(), f.arena,
            f.slotOffset[model.inputId], model.inputSize() * b);
        runSteps(f, 0, tail.start);
        for (int v : tail.boundary) {
          int size = (int) model.sizePerImage[v];
          System.arraycopy(f.arena, f.slotOffset[v], t.arena, t.slotOffset[v] + (n0 - g0) * size,
              b * size);
        }
      }
      runSteps(t, tail.start, model.steps.length);
      for (int i = 0; i < model.outputIds.length; i++) {
        copyOut(t, i, gb, outs[i], g0 * model.outputSize(i));
      }
    }
  }

  /** Images per pass through the layers; {@link CompiledModel#microBatch(int)} unless set. */
  public int microBatch() {
    return microBatch;
  }

  /**
   * Sets the images per pass (>= 1), both for layers split across threads and for each
   * worker's share when images are split; larger passes use larger arenas.
   */
  public void microBatch(int images) {
    if (images < 1) {
      throw new IllegalArgumentException("cannot set micro-batch " + images + ", must be >= 1");
    }
    microBatch = images;
    imageMicroBatch = images;
  }

  /**
   * Whether a batch of at least {@code threads} images is split by image (the default) or
   * every layer is split across the threads. Results are the same bits either way.
   */
  public void splitImages(boolean on) {
    splitImages = on;
  }

  private void runPass(Frame f, float[] nhwc, int inOff, int batch) {
    place(f, model.offsetPerImage, model.arenaPerImage, batch);
    System.arraycopy(nhwc, inOff, f.arena, f.slotOffset[model.inputId],
        model.inputSize() * batch);
    runSteps(f, 0, model.steps.length);
  }

  /** Lays {@code batch} images out in the frame's arena by a per-image memory plan. */
  private static void place(Frame f, long[] offsetPerImage, long arenaPerImage, int batch) {
    int lead = ArrayAlignment.leadFloats();
    for (int v = 0; v < offsetPerImage.length; v++) {
      f.slotOffset[v] = lead + (int) (offsetPerImage[v] * batch);
    }
    f.batch = batch;
    f.scratchOff = lead + (int) (arenaPerImage * batch);
  }

  private void runSteps(Frame f, int from, int to) {
    Step[] steps = model.steps;
    long[] stepNanos = f.stepNanos;
    if (stepNanos == null) {
      for (int i = from; i < to; i++) {
        steps[i].run(f);
      }
      return;
    }
    long t0 = System.nanoTime();
    for (int i = from; i < to; i++) {
      steps[i].run(f);
      long t1 = System.nanoTime();
      stepNanos[i] += t1 - t0;
      t0 = t1;
    }
  }

  /**
   * Turns per-step timing on (counters reset) or off. Each step's wall time is recorded,
   * including its wait for the worker pool; read it with {@link #stepTimes()}. While profiling,
   * every layer is split across the threads (images are not split), so steps can be timed.
   */
  public void profile(boolean on) {
    profile(on, false);
  }

  /**
   * Like {@link #profile(boolean)}; with {@code byImage} a batch is still split by image as when
   * not profiling, each worker timing its own steps, and a step's time per batch is the mean
   * over the workers (each worker's caches and memory traffic as in production).
   */
  public void profile(boolean on, boolean byImage) {
    int n = model.steps.length;
    stepNanos = on ? new long[n] : null;
    profileByImage = on && byImage;
    profiledRuns = 0;
    setNanos(frame, stepNanos);
    for (Frame f : imageFrames) {
      setNanos(f, profileByImage ? new long[n] : null);
    }
  }

  private static void setNanos(Frame f, long[] nanos) {
    f.stepNanos = nanos;
    if (f.tail != null) {
      f.tail.stepNanos = nanos;
    }
  }

  /** The time per fused step since {@link #profile(boolean) profile(true)}, in plan order. */
  public java.util.List<StepTime> stepTimes() {
    if (stepNanos == null) {
      throw new IllegalStateException("profiling is off: call profile(true) before running");
    }
    java.util.List<StepTime> out = new java.util.ArrayList<>();
    for (int i = 0; i < model.steps.length; i++) {
      Step s = model.steps[i];
      long nanos = stepNanos[i];
      for (Frame f : imageFrames) {
        nanos += f.stepNanos == null ? 0 : f.stepNanos[i] / imageFrames.length;
      }
      out.add(new StepTime(s.name, s.opType, s.flops() / 1e9, nanos, profiledRuns));
    }
    return out;
  }

  private void copyOut(Frame f, int i, int batch, float[] dst, int dstOff) {
    int size = model.outputSize(i);
    int src = f.slotOffset[model.outputIds[i]];
    var shape = model.outputShapes.get(i);
    if (shape.rank() == 4 && shape.dim(2) * shape.dim(3) > 1) {
      int c = (int) shape.dim(1);
      int hw = (int) (shape.dim(2) * shape.dim(3));
      for (int n = 0; n < batch; n++) {
        for (int p = 0; p < hw; p++) {
          for (int ch = 0; ch < c; ch++) {
            dst[dstOff + n * size + ch * hw + p] = f.arena[src + n * size + p * c + ch];
          }
        }
      }
    } else {
      System.arraycopy(f.arena, src, dst, dstOff, size * batch);
    }
  }

  private void ensureCapacity(Frame f, int batch) {
    if (batch <= f.capacity) {
      return;
    }
    long floats = (model.arenaPerImage + model.scratchFloats) * batch
        + ArrayAlignment.leadFloats();
    if (floats > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("cannot run model: batch " + batch + " needs an arena of "
          + floats + " floats, over the 2^31 array limit; use a smaller batch");
    }
    f.arena = new float[(int) floats];
    f.capacity = batch;
  }

  private void ensureTailCapacity(Frame t, int group) {
    if (group <= t.capacity) {
      return;
    }
    TailSegment tail = model.tail;
    long floats = (tail.arenaPerImage + tail.scratchFloats) * group + ArrayAlignment.leadFloats();
    if (floats > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("cannot run model: a tail group of " + group
          + " images needs an arena of " + floats + " floats, over the 2^31 array limit");
    }
    t.arena = new float[(int) floats];
    t.capacity = group;
  }

  /** Whether {@link #close()} has run. */
  public boolean isClosed() {
    return closed;
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
      frame.tail = null;
      for (Frame f : imageFrames) {
        f.pool.close();
        f.arena = null;
        f.tail = null;
      }
    }
  }
}
