package io.convspark.plan;

import io.convspark.ModelException;
import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Shape;
import io.convspark.graph.Tensor;
import io.convspark.graph.pass.ActivationSpec;
import io.convspark.kernels.internal.KernelSupport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Graph in, {@link CompiledModel} out: freeze, fuse, check, plan steps and memory. */
public final class ModelCompiler {
  /** Op types the planner runs, after freezing and fusion. */
  public static final Set<String> SUPPORTED = Set.of("Conv", "Gemm", "MatMul", "MaxPool",
      "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Add", "Sub", "Mul", "Div",
      "BatchNormalization", "Relu", "Clip", "LeakyRelu", "HardSigmoid", "HardSwish", "Sigmoid",
      ActivationSpec.SILU, "Concat", "Softmax", "Flatten", "Reshape", "Squeeze", "Unsqueeze",
      "Identity", "Dropout");

  private ModelCompiler() {}

  /**
   * Compiles in place: {@code g} is frozen and fused.
   *
   * @param inputHW height and width for dynamic spatial dimensions, or null
   * @throws ModelException naming every unsupported node, or the first planning failure
   */
  public static CompiledModel compile(Graph g, int[] inputHW, CompileLimits limits,
      KernelSupport ks) {
    Map<String, Integer> before = g.opCounts();
    checkSupported(g, "");
    fixInputShape(g, inputHW);
    Optimizer.freeze(g, limits);
    WeightChecks.check(g);
    Optimizer.fuse(g);
    WeightChecks.check(g); // fusion multiplies parameters: finite inputs can overflow
    checkSupported(g, " after constant folding");
    for (String out : g.outputs()) {
      if (g.isConstant(out)) {
        throw new ModelException("cannot compile model: output '" + out
            + "' is a constant, it must be computed from the input");
      }
    }
    Map<String, Integer> ids = new LinkedHashMap<>();
    String input = g.inputs().keySet().iterator().next();
    ids.put(input, 0);
    for (Node n : g.nodes()) {
      for (String o : n.outputs()) {
        if (!o.isEmpty()) {
          ids.putIfAbsent(o, ids.size());
        }
      }
    }
    long[] size = new long[ids.size()];
    for (Map.Entry<String, Integer> e : ids.entrySet()) {
      Shape s = g.shape(e.getKey());
      if (s == null || !s.isKnown()) {
        Node p = g.producer(e.getKey());
        throw new ModelException("cannot compile model: the shape of '" + e.getKey() + "'"
            + (p == null ? "" : " (output of " + p.describe(g.opset()) + ")")
            + " could not be inferred; give the input size if the model's dimensions are"
            + " dynamic");
      }
      size[e.getValue()] = s.elementCount() / Math.max(1, s.rank() == 0 ? 1 : s.dim(0));
    }
    StepPlanner planner = new StepPlanner(g, ids, ks);
    List<Step> steps = new ArrayList<>();
    for (Node n : g.nodes()) {
      steps.add(planner.plan(n));
    }
    int[] outputValues = g.outputs().stream().mapToInt(ids::get).toArray();
    BandedConvPair.fuseAll(new ArrayList<>(g.nodes()), steps, size, outputValues, planner);
    MemoryPlan.Liveness live = liveness(g, ids, size.length, steps);
    MemoryPlan memory = MemoryPlan.plan(size, live.storage(), live.first(), live.last());
    long arenaBytes = 4 * memory.arenaPerImage;
    if (arenaBytes > limits.maxArenaBytesPerImage()) {
      throw new ModelException("cannot compile model: planned arena of " + arenaBytes
          + " bytes per image exceeds the limit of " + limits.maxArenaBytesPerImage()
          + " bytes (CompileLimits.maxArenaBytesPerImage)");
    }
    List<String> outNames = new ArrayList<>(g.outputs());
    List<Shape> outShapes = new ArrayList<>();
    int[] outIds = new int[outNames.size()];
    for (int i = 0; i < outIds.length; i++) {
      outShapes.add(g.shape(outNames.get(i)));
      outIds[i] = ids.get(outNames.get(i));
    }
    long params = 0;
    for (Tensor t : g.constants().values()) {
      params += 4 * t.size();
    }
    TailSegment tail = TailSegment.choose(steps, size, live, outIds);
    return new CompiledModel(g, steps.toArray(new Step[0]), input, g.shape(input), 0,
        outNames, outShapes, outIds, memory, tail, size, before, params, ids);
  }

  private static void checkSupported(Graph g, String when) {
    Set<String> bad = new TreeSet<>();
    for (Node n : g.nodes()) {
      boolean ok = n.domain().isEmpty() || n.domain().equals("ai.onnx");
      if (!ok || !SUPPORTED.contains(n.opType()) && !isFoldable(n, when)) {
        bad.add("node '" + n.name() + "' (" + n.opType() + "), domain "
            + (n.domain().isEmpty() ? "ai.onnx" : n.domain()) + ", opset " + g.opset());
      }
    }
    if (!bad.isEmpty()) {
      throw new ModelException("cannot compile model (opset " + g.opset() + "): "
          + bad.size() + " node(s) use ops that are not supported" + when + ": " + bad
          + "; supported: " + new TreeSet<>(SUPPORTED));
    }
    if (g.inputs().size() != 1) {
      throw new ModelException("cannot compile model: it has " + g.inputs().size()
          + " inputs " + g.inputs().keySet() + ", exactly one image input is supported");
    }
  }

  /** Before folding, shape arithmetic ops are allowed: folding must remove them. */
  private static boolean isFoldable(Node n, String when) {
    return when.isEmpty() && io.convspark.graph.pass.ConstantFolding.isFoldable(n.opType());
  }

  private static void fixInputShape(Graph g, int[] inputHW) {
    Map.Entry<String, Shape> in = g.inputs().entrySet().iterator().next();
    long[] d = in.getValue().dims();
    if (d.length == 2) {
      if (d[1] <= 0) {
        throw new ModelException("cannot compile model: input '" + in.getKey() + "' has shape "
            + in.getValue() + ", its feature dimension must be fixed");
      }
      d[0] = 1;
      Shape fixed = Shape.of(d);
      g.inputs().put(in.getKey(), fixed);
      g.shapes().keySet().removeIf(k -> !g.isConstant(k));
      g.shapes().put(in.getKey(), fixed);
      return;
    }
    if (d.length != 4) {
      throw new ModelException("cannot compile model: input '" + in.getKey() + "' has shape "
          + in.getValue() + " (rank " + d.length + "); an NCHW image input [N, C, H, W] or a"
          + " feature input [N, D] is required");
    }
    d[0] = 1;
    if (inputHW != null) {
      if (d[2] > 0 && d[2] != inputHW[0] || d[3] > 0 && d[3] != inputHW[1]) {
        throw new ModelException("cannot compile model: input size " + inputHW[0] + "x"
            + inputHW[1] + " was given but the model fixes " + d[2] + "x" + d[3]);
      }
      d[2] = inputHW[0];
      d[3] = inputHW[1];
    }
    if (d[1] <= 0 || d[2] <= 0 || d[3] <= 0) {
      throw new ModelException("cannot compile model: input '" + in.getKey() + "' has dynamic"
          + " dimensions " + in.getValue() + "; give the input height and width");
    }
    Shape fixed = Shape.of(d);
    g.inputs().put(in.getKey(), fixed);
    g.shapes().put(in.getKey(), fixed);
    g.shapes().keySet().removeIf(k -> !k.equals(in.getKey()) && !g.isConstant(k));
  }

  private static MemoryPlan.Liveness liveness(Graph g, Map<String, Integer> ids, int n,
      List<Step> steps) {
    int[] storage = new int[n];
    int[] first = new int[n];
    int[] last = new int[n];
    for (int v = 0; v < n; v++) {
      storage[v] = v;
      first[v] = -1;
      last[v] = -1;
    }
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      first[s.output] = i;
      last[s.output] = Math.max(last[s.output], i);
      if (s.isView()) {
        storage[s.output] = storage[s.inputs[0]];
      }
      for (int in : s.inputs) {
        last[in] = Math.max(last[in], i);
      }
    }
    for (String out : g.outputs()) {
      last[ids.get(out)] = steps.size();
    }
    return new MemoryPlan.Liveness(storage, first, last);
  }
}
