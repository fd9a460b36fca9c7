package io.convspark.plan;

import io.convspark.graph.Geometry;
import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Tensor;
import java.util.Set;

/**
 * Rejects parameters that would silently poison every output: NaN or infinite values in the
 * constant inputs of weighted ops, and BatchNormalization variances with var + epsilon <= 0
 * (whose scale 1 / sqrt(var + epsilon) is NaN or infinite). Runs after folding, so computed
 * weights are checked too, and again after fusion, whose products can overflow float.
 */
final class WeightChecks {
  private static final Set<String> WEIGHTED = Set.of("Conv", "Gemm", "MatMul",
      "BatchNormalization");

  private WeightChecks() {}

  static void check(Graph g) {
    for (Node n : g.nodes()) {
      if (!WEIGHTED.contains(n.opType())) {
        continue;
      }
      for (int i = 1; i < n.inputs().size(); i++) {
        Tensor t = n.hasInput(i) ? g.constant(n.input(i)) : null;
        if (t != null && t.isFloat()) {
          requireFinite(g, n, i, t);
        }
      }
      if (n.opType().equals("BatchNormalization")) {
        requirePositiveVariance(g, n);
      }
    }
  }

  private static void requireFinite(Graph g, Node n, int input, Tensor t) {
    float[] f = t.floats();
    for (int k = 0; k < f.length; k++) {
      if (!Float.isFinite(f[k])) {
        throw Geometry.fail(g, n, "input " + input + " '" + n.input(input) + "' (" + t.shape()
            + ") has " + f[k] + " at index " + k + "; weights must be finite");
      }
    }
  }

  private static void requirePositiveVariance(Graph g, Node n) {
    Tensor var = n.hasInput(4) ? g.constant(n.input(4)) : null;
    if (var == null || !var.isFloat()) {
      return; // the planner reports missing statistics
    }
    float eps = n.floatAttr("epsilon", 1e-5f);
    float[] v = var.floats();
    for (int k = 0; k < v.length; k++) {
      if (!((double) v[k] + eps > 0)) {
        throw Geometry.fail(g, n, "input 4 '" + n.input(4) + "' has var[" + k + "] + epsilon = "
            + v[k] + " + " + eps + " <= 0; variance plus epsilon must be positive");
      }
    }
  }
}
