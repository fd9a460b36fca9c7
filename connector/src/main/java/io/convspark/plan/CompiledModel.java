package io.convspark.plan;

import io.convspark.graph.Graph;
import io.convspark.graph.Shape;
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
  final long scratchFloats;
  final int maxInputs;
  final Map<String, Integer> opCountsBefore;
  final long parameterBytes;

  CompiledModel(Graph graph, Step[] steps, String inputName, Shape inputShape, int inputId,
      List<String> outputNames, List<Shape> outputShapes, int[] outputIds, MemoryPlan memory,
      long[] sizePerImage, Map<String, Integer> opCountsBefore, long parameterBytes,
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

  /** Arena bytes a session needs for {@code batch} images: activations and scratch. */
  public long arenaBytes(int batch) {
    return 4 * (arenaPerImage + scratchFloats) * batch;
  }

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
