package io.convspark.graph.pass;

import io.convspark.graph.Geometry;
import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.OnnxAttributes;
import io.convspark.graph.Shape;
import io.convspark.graph.Tensor;
import io.convspark.kernels.Conv2dShape;
import io.convspark.kernels.Pool2dShape;

/**
 * Infers the output shape of every node whose input shapes are known, in topological order.
 * Shapes are ONNX's logical NCHW shapes; a node it cannot infer is left for folding to resolve
 * (or for the compiler to report).
 */
public final class ShapeInference implements Pass {

  @Override
  public boolean apply(Graph g) {
    boolean changed = false;
    for (Node n : g.nodes()) {
      if (n.outputs().isEmpty() || g.shapes().containsKey(n.output(0))) {
        continue;
      }
      Shape s = infer(g, n);
      if (s != null) {
        g.shapes().put(n.output(0), s);
        changed = true;
      }
    }
    return changed;
  }

  private static Shape in(Graph g, Node n, int i) {
    return n.hasInput(i) ? g.shape(n.input(i)) : null;
  }

  private static Shape infer(Graph g, Node n) {
    Shape x = in(g, n, 0);
    if (x == null && !n.opType().equals("ConstantOfShape")) {
      return null;
    }
    switch (n.opType()) {
      case "Relu": case "Clip": case "LeakyRelu": case "HardSigmoid": case "HardSwish":
      case "Sigmoid": case "Tanh": case "Identity": case "Dropout": case "Softmax":
      case "BatchNormalization": case "Cast": case "Elu": case "Selu": case "PRelu":
      case "LogSoftmax": case "Sqrt": case "Neg": case "Exp": case "Erf": case "Floor":
      case "Ceil": case "Abs": case "Reciprocal":
        return x;
      case "Add": case "Sub": case "Mul": case "Div": case "Pow": case "Max": case "Min": {
        Shape y = in(g, n, 1);
        return y == null ? null : broadcast(g, n, x, y);
      }
      case "Conv": {
        Shape w = in(g, n, 1);
        if (w == null || !x.isKnown()) {
          return null;
        }
        Conv2dShape c = Geometry.conv(g, n, x, w);
        return Shape.of(x.dim(0), c.outC(), c.outH(), c.outW());
      }
      case "MaxPool": case "AveragePool": {
        if (!x.isKnown()) {
          return null;
        }
        Pool2dShape p = Geometry.pool(g, n, x);
        return Shape.of(x.dim(0), x.dim(1), p.outH(), p.outW());
      }
      case "GlobalAveragePool": case "GlobalMaxPool":
        return x.rank() == 4 ? Shape.of(x.dim(0), x.dim(1), 1, 1) : null;
      case "Gemm": {
        Shape b = in(g, n, 1);
        if (b != null && b.rank() != 2) { // ONNX Gemm is 2-D only: no later pass can fix it
          throw Geometry.fail(g, n, "B '" + n.input(1) + "' has shape " + b + " (rank "
              + b.rank() + "); B must be a 2-D float constant");
        }
        if (b == null || x.rank() != 2) {
          return null;
        }
        long m = n.intAttr("transA", 0) != 0 ? x.dim(1) : x.dim(0);
        long cols = n.intAttr("transB", 0) != 0 ? b.dim(0) : b.dim(1);
        return Shape.of(m, cols);
      }
      case "MatMul": {
        Shape b = in(g, n, 1);
        if (b == null || x.rank() != 2 || b.rank() != 2) {
          return null;
        }
        if (x.dim(1) >= 0 && b.dim(0) >= 0 && x.dim(1) != b.dim(0)) {
          throw Geometry.fail(g, n, "B '" + n.input(1) + "' " + b + " does not match A '"
              + n.input(0) + "' " + x + ", inner dimensions must agree");
        }
        return Shape.of(x.dim(0), b.dim(1));
      }
      case "Flatten": {
        int axis = OnnxAttributes.axis(g, n, n.intAttr("axis", 1), x.rank() + 1);
        long a = 1;
        long b = 1;
        for (int i = 0; i < x.rank(); i++) {
          if (x.dim(i) < 0) {
            return null;
          }
          if (i < axis) {
            a *= x.dim(i);
          } else {
            b *= x.dim(i);
          }
        }
        return Shape.of(a, b);
      }
      case "Reshape": {
        Tensor target = n.hasInput(1) ? g.constant(n.input(1)) : null;
        return target == null || !x.isKnown() ? null : Reshapes.resolve(g, n, x, target);
      }
      case "Concat": {
        long[] dims = x.dims();
        int axis = OnnxAttributes.axis(g, n, n.intAttr("axis", 0), x.rank());
        long sum = 0;
        for (int i = 0; i < n.inputs().size(); i++) {
          Shape s = in(g, n, i);
          if (s == null || s.dim(axis) < 0) {
            return null;
          }
          sum += s.dim(axis);
        }
        dims[axis] = sum;
        return Shape.of(dims);
      }
      case "Shape":
        return Shape.of(x.rank());
      case "Transpose": {
        long[] perm = n.intsAttr("perm", null);
        long[] dims = new long[x.rank()];
        for (int i = 0; i < dims.length; i++) {
          dims[i] = x.dim(perm == null ? dims.length - 1 - i : (int) perm[i]);
        }
        return Shape.of(dims);
      }
      case "ReduceMean": case "ReduceMax": case "ReduceSum": {
        long[] axes = n.intsAttr("axes", null);
        if (axes == null && n.hasInput(1) && g.isConstant(n.input(1))) {
          axes = g.constant(n.input(1)).longs();
        }
        if (axes == null) {
          return null;
        }
        boolean keep = n.intAttr("keepdims", 1) != 0;
        long[] dims = x.dims();
        boolean[] reduced = new boolean[dims.length];
        for (long a : axes) {
          reduced[OnnxAttributes.axis(g, n, a, dims.length)] = true;
        }
        java.util.List<Long> out = new java.util.ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
          if (!reduced[i]) {
            out.add(dims[i]);
          } else if (keep) {
            out.add(1L);
          }
        }
        return Shape.of(out.stream().mapToLong(Long::longValue).toArray());
      }
      default:
        return null; // Folded ops (Gather, Slice, Unsqueeze...) get shapes from their constants.
    }
  }

  /** ONNX multidirectional (numpy) broadcasting. */
  static Shape broadcast(Graph g, Node n, Shape a, Shape b) {
    int rank = Math.max(a.rank(), b.rank());
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      long da = i < rank - a.rank() ? 1 : a.dim(i - (rank - a.rank()));
      long db = i < rank - b.rank() ? 1 : b.dim(i - (rank - b.rank()));
      if (da == db || db == 1) {
        out[i] = da;
      } else if (da == 1) {
        out[i] = db;
      } else if (da < 0 || db < 0) {
        out[i] = Math.max(da, db);
      } else {
        throw Geometry.fail(g, n, "shapes " + a + " and " + b
            + " do not broadcast, each dimension must match or be 1");
      }
    }
    return Shape.of(out);
  }
}
