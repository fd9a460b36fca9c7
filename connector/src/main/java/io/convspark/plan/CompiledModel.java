package io.convspark.plan;

import io.convspark.graph.Graph;
import io.convspark.graph.Shape;
import io.convspark.kernels.ArrayAlignment;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An immutable, thread-safe compiled model: planned steps with packed weights and a memory
 * plan. Sessions ({@link #newSession}) hold the mutable parts: arena and worker pool.
 */
public final class CompiledModel {
  final Graph graph;
  final Step[] steps;
  final String inputName;
  final Shape inputShape;
  final int inputId;
  final List<String> outputNames;
  final List<Shape> outputShapes;
  final int[] outputIds;
  final long[] offsetPerImage;
  final long[] sizePerImage;
  final long arenaPerImage;
  /** Last layers run over groups of images, or null (see {@link TailSegment}). */
  final TailSegment tail;
  final long scratchFloats;
  final int maxInputs;
  final Map<String, Integer> opCountsBefore;
  final long parameterBytes;

  CompiledModel(Graph graph, Step[] steps, String inputName, Shape inputShape, int inputId,
      List<String> outputNames, List<Shape> outputShapes, int[] outputIds, MemoryPlan memory,
      TailSegment tail, long[] sizePerImage, Map<String, Integer> opCountsBefore, long parameterBytes,
      Map<String, Integer> valueIds) {
    this.graph = graph;
    this.valueIds = Map.copyOf(valueIds);
    this.steps = steps;
    this.inputName = inputName;
    this.inputShape = inputShape;
    this.inputId = inputId;
    this.outputNames = List.copyOf(outputNames);
    this.outputShapes = List.copyOf(outputShapes);
    this.outputIds = outputIds;
    this.offsetPerImage = memory.offsetPerImage;
    this.arenaPerImage = memory.arenaPerImage;
    this.tail = tail;
    this.sizePerImage = sizePerImage;
    long scratch = 0;
    int inputs = 1;
    for (Step s : steps) {
      scratch = Math.max(scratch, s.scratchFloats());
      inputs = Math.max(inputs, s.inputs.length);
    }
    this.scratchFloats = scratch;
    this.maxInputs = inputs;
    this.opCountsBefore = Collections.unmodifiableMap(opCountsBefore);
    this.parameterBytes = parameterBytes;
  }

  /** A session with {@code threads} workers; close it to stop them. */
  public ModelSession newSession(int threads) {
    return new ModelSession(this, threads,
        Boolean.getBoolean(io.convspark.kernels.WorkerPool.PIN_PROPERTY));
  }

  /** As {@link #newSession(int)}, pinning the workers to leased cores when {@code pin}. */
  public ModelSession newSession(int threads, boolean pin) {
    return new ModelSession(this, threads, pin);
  }

  public String inputName() {
    return inputName;
  }

  /** NCHW input shape of one image: [1, C, H, W]. */
  public Shape inputShape() {
    return inputShape;
  }

  public List<String> outputNames() {
    return outputNames;
  }

  /** ONNX output shapes for one image (batch dimension 1). */
  public List<Shape> outputShapes() {
    return outputShapes;
  }

  /** Floats per image of output i. */
  public int outputSize(int i) {
    return (int) outputShapes.get(i).elementCount();
  }

  public int inputSize() {
    return (int) inputShape.elementCount();
  }

  /** The frozen, fused graph this model was planned from. */
  public Graph graph() {
    return graph;
  }

  public Map<String, Integer> opCountsBefore() {
    return opCountsBefore;
  }

  public Map<String, Integer> opCountsAfter() {
    return graph.opCounts();
  }

  public double gflopsPerImage() {
    double f = 0;
    for (Step s : steps) {
      f += s.flops();
    }
    return f / 1e9;
  }

  public long parameterBytes() {
    return parameterBytes;
  }

  /** Arena bytes per image (activations). */
  public long arenaBytesPerImage() {
    return 4 * arenaPerImage;
  }

  /** Conv padding scratch per image (the largest padded input of any conv). */
  public long scratchBytes() {
    return 4 * scratchFloats;
  }

  /**
   * Arena bytes for {@code batch} images run at once: activations and scratch, after the floats
   * that put the first value on a 64-byte boundary.
   */
  public long arenaBytes(int batch) {
    return batch <= 0 ? 0
        : 4 * ((arenaPerImage + scratchFloats) * batch + ArrayAlignment.leadFloats());
  }

  /**
   * Arena bytes of a session with {@code threads} workers running batches of {@code batch}:
   * one arena per worker for the images split among them, plus one for the leftover images
   * whose layers are split across the workers.
   */
  public long sessionArenaBytes(int batch, int threads) {
    int t = Math.max(1, threads);
    int perWorker = t > 1 ? batch / t : 0;
    int left = batch - perWorker * t;
    long bytes = t * (arenaBytes(Math.min(perWorker, microBatch(1))) + tailArenaBytes(perWorker));
    return bytes + arenaBytes(Math.min(left, microBatch(t))) + tailArenaBytes(left);
  }

  /**
   * Arena bytes of the tail group a run of {@code images} images uses beside its pass arena
   * (0 without a tail, or for a single image, which runs every layer in the pass arena).
   */
  public long tailArenaBytes(int images) {
    int group = tailGroup(images);
    return group == 0 ? 0
        : 4 * ((tail.arenaPerImage + tail.scratchFloats) * group + ArrayAlignment.leadFloats());
  }

  /** Images per tail group for a run of {@code images}, or 0 when the tail is not split off. */
  int tailGroup(int images) {
    if (tail == null || images < 2 || Boolean.getBoolean(NO_TAIL_PROPERTY)) {
      return 0;
    }
    return Math.min(images, tail.group());
  }

  /** System property: true runs every layer a micro-batch at a time (no tail groups). */
  public static final String NO_TAIL_PROPERTY = "convspark.noTailGroups";

  /** The tail that runs over groups of images, for inspect output; empty if none. */
  public String tailDescription() {
    return tail == null ? "" : steps[tail.start].name + " onwards (" + (steps.length - tail.start)
        + " steps), groups of up to " + tail.group() + " images, " + 4 * tail.arenaPerImage
        + " arena bytes per image";
  }

  /**
   * Images a session with {@code threads} workers pushes through all layers at once. A batch
   * runs in passes of this many so that a pass's activations stay in the last-level cache
   * instead of streaming through DRAM between layers. On this machine (32 MiB L3) batch 16 of
   * MobileNetV2 ran 30 % faster in passes of 2 on 1 thread; 2 threads preferred passes of 4,
   * hence a budget per thread: {@value #MICRO_BATCH_BYTES_PER_THREAD} bytes of arena, or
   * {@code -Dconvspark.microBatchBytesPerThread}. At least 1.
   */
  public int microBatch(int threads) {
    long budget = Long.getLong(MICRO_BATCH_PROPERTY, MICRO_BATCH_BYTES_PER_THREAD)
        * Math.max(1, threads);
    long perImage = 4 * (arenaPerImage + scratchFloats);
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, budget / Math.max(1, perImage)));
  }

  /** System property: arena bytes per worker thread of one pass (see {@link #microBatch}). */
  public static final String MICRO_BATCH_PROPERTY = "convspark.microBatchBytesPerThread";
  static final long MICRO_BATCH_BYTES_PER_THREAD = 12L << 20;

  /** One line per step: name, op, output shape, GFLOPs, layout/algorithm. */
  public List<String[]> layerTable() {
    java.util.ArrayList<String[]> rows = new java.util.ArrayList<>();
    for (Step s : steps) {
      String out = "";
      for (Map.Entry<String, Integer> e : valueIds().entrySet()) {
        if (e.getValue() == s.output) {
          Shape sh = graph.shape(e.getKey());
          out = sh == null ? "?" : sh.toString();
        }
      }
      rows.add(new String[] {s.name, s.opType, out, String.format("%.4f", s.flops() / 1e9),
          s.detail()});
    }
    return rows;
  }

  final Map<String, Integer> valueIds;

  Map<String, Integer> valueIds() {
    return valueIds;
  }

  int stepCount() {
    return steps.length;
  }
}
