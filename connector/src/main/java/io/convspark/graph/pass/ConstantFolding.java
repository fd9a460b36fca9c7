package io.convspark.graph.pass;

import io.convspark.ModelException;
import io.convspark.graph.Geometry;
import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Shape;
import io.convspark.graph.Tensor;
import java.util.Iterator;
import java.util.Set;

/**
 * Evaluates nodes whose inputs are all constants (and Shape of a value whose shape is known),
 * so that exporter noise such as Shape->Gather->Cast->Concat->Reshape disappears.
 */
public final class ConstantFolding implements Pass {
  static final Set<String> FOLDABLE = Set.of("Identity", "Cast", "Gather", "Slice", "Concat",
      "Unsqueeze", "Squeeze", "Reshape", "Flatten", "ConstantOfShape", "Add", "Sub", "Mul", "Div",
      "Sqrt", "Shape", "Floor", "Ceil", "Neg", "Range", "Transpose", "Expand", "Tile");
  /** CompileLimits.DEFAULT_MAX_FOLDED_ELEMENTS, for callers without limits. */
  private static final long DEFAULT_MAX_FOLDED_ELEMENTS = 1L << 24;

  private final long maxFoldedElements;

  public ConstantFolding() {
    this(DEFAULT_MAX_FOLDED_ELEMENTS);
  }

  /**
   * @param maxFoldedElements most elements one folded constant may have; a node whose result
   *     would be larger is rejected, naming the requested size, before anything is allocated
   */
  public ConstantFolding(long maxFoldedElements) {
    this.maxFoldedElements = maxFoldedElements;
  }

  /** Ops that folding can evaluate (when their inputs are constants). */
  public static boolean isFoldable(String opType) {
    return FOLDABLE.contains(opType) || opType.equals("Constant");
  }

  @Override
  public boolean apply(Graph g) {
    boolean changed = false;
    for (Iterator<Node> it = g.nodes().iterator(); it.hasNext(); ) {
      Node n = it.next();
      if (!FOLDABLE.contains(n.opType()) || n.outputs().size() != 1) {
        continue;
      }
      Tensor t = tryFold(g, n);
      if (t != null) {
        g.constants().put(n.output(0), t);
        g.shapes().put(n.output(0), t.shape());
        it.remove();
        changed = true;
      }
    }
    if (changed) {
      g.removeUnusedConstants();
    }
    return changed;
  }

  private Tensor tryFold(Graph g, Node n) {
    if (n.opType().equals("Shape")) {
      Shape s = g.shape(n.input(0));
      if (s == null || !s.isKnown()) {
        return null;
      }
      long[] dims = s.dims();
      int start = (int) clampAxis(n.intAttr("start", 0), dims.length);
      int end = (int) clampAxis(n.intAttr("end", dims.length), dims.length);
      return Tensor.ofLongs(java.util.Arrays.copyOfRange(dims, start, Math.max(start, end)));
    }
    for (String in : n.inputs()) {
      if (!in.isEmpty() && !g.isConstant(in)) {
        return null;
      }
    }
    try {
      return ConstantEvaluator.evaluate(g, n, maxFoldedElements);
    } catch (ModelException e) {
      throw e;
    } catch (RuntimeException e) { // malformed inputs (missing, wrong type): name the node
      throw Geometry.fail(g, n, "cannot fold its constant inputs: " + e);
    }
  }

  private static long clampAxis(long a, int rank) {
    long v = a < 0 ? a + rank : a;
    return Math.max(0, Math.min(rank, v));
  }
}
