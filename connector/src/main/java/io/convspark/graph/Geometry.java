package io.convspark.graph;

import io.convspark.ModelException;
import io.convspark.kernels.Conv2dShape;
import io.convspark.kernels.Pool2dShape;

/** Builds kernel shapes from ONNX Conv/pool nodes and NCHW input shapes, with node context. */
public final class Geometry {
  private Geometry() {}

  /** Conv over x [N,C,H,W] with weights [M, C/group, kH, kW]. */
  public static Conv2dShape conv(Graph g, Node n, Shape x, Shape w) {
    requireRank(g, n, "input", x, 4);
    requireRank(g, n, "weights", w, 4);
    long group = n.intAttr("group", 1);
    toInt(g, n, "group", group); // before any arithmetic with it
    int[] k = OnnxAttributes.spatial(g, n, "kernel_shape", 2, 0);
    if (n.attribute("kernel_shape") == null) {
      k = new int[] {toInt(g, n, "kernel height", w.dim(2)), toInt(g, n, "kernel width", w.dim(3))};
    } else if (k[0] != w.dim(2) || k[1] != w.dim(3)) {
      throw fail(g, n, "kernel_shape " + k[0] + "x" + k[1] + " does not match weights "
          + w + ", they must agree");
    }
    if (x.dim(1) != w.dim(1) * group) {
      throw fail(g, n, "input has " + x.dim(1) + " channels but weights " + w + " with group "
          + group + " expect " + (w.dim(1) * group) + ", they must agree (input '" + n.input(0)
          + "' " + x + ", weights '" + n.input(1) + "' " + w + ")");
    }
    int[] s = OnnxAttributes.spatial(g, n, "strides", 2, 1);
    int[] d = OnnxAttributes.spatial(g, n, "dilations", 2, 1);
    try {
      return Conv2dShape.withAutoPad(OnnxAttributes.autoPad(g, n),
          toInt(g, n, "input height", x.dim(2)), toInt(g, n, "input width", x.dim(3)),
          toInt(g, n, "input channels", x.dim(1)), toInt(g, n, "output channels", w.dim(0)),
          k[0], k[1], s[0], s[1], OnnxAttributes.pads(g, n), d[0], d[1],
          toInt(g, n, "group", group));
    } catch (IllegalArgumentException e) {
      throw fail(g, n, e.getMessage().replaceFirst("^cannot plan Conv[^:]*: ", "") + " (input "
          + x + ", weights " + w + ", kernel " + k[0] + "x" + k[1] + ", strides "
          + java.util.Arrays.toString(s) + ", pads " + java.util.Arrays.toString(
              OnnxAttributes.pads(g, n)) + ", dilations " + java.util.Arrays.toString(d)
          + ", auto_pad " + n.stringAttr("auto_pad", "NOTSET") + ")");
    }
  }

  /** MaxPool/AveragePool over x [N,C,H,W]. */
  public static Pool2dShape pool(Graph g, Node n, Shape x) {
    requireRank(g, n, "input", x, 4);
    if (n.attribute("kernel_shape") == null) {
      throw fail(g, n, "attribute kernel_shape is missing, it is required");
    }
    int[] k = OnnxAttributes.spatial(g, n, "kernel_shape", 2, 1);
    int[] s = OnnxAttributes.spatial(g, n, "strides", 2, 1);
    int[] d = OnnxAttributes.spatial(g, n, "dilations", 2, 1);
    boolean ceil = n.intAttr("ceil_mode", 0) != 0;
    try {
      return Pool2dShape.withAutoPad(OnnxAttributes.autoPad(g, n),
          toInt(g, n, "input height", x.dim(2)), toInt(g, n, "input width", x.dim(3)),
          toInt(g, n, "channels", x.dim(1)), k[0], k[1], s[0], s[1], OnnxAttributes.pads(g, n),
          d[0], d[1], ceil);
    } catch (IllegalArgumentException e) {
      throw fail(g, n, e.getMessage() + " (input " + x + ", kernel " + k[0] + "x" + k[1]
          + ", strides " + java.util.Arrays.toString(s) + ", dilations "
          + java.util.Arrays.toString(d) + ")");
    }
  }

  static void requireRank(Graph g, Node n, String what, Shape s, int rank) {
    if (s.rank() != rank) {
      throw fail(g, n, what + " has shape " + s + " (rank " + s.rank() + "), rank " + rank
          + " is required");
    }
  }

  static int toInt(Graph g, Node n, String what, long v) {
    if (v <= 0 || v > Integer.MAX_VALUE) {
      throw fail(g, n, what + " " + v + ", must be in [1, 2^31)");
    }
    return (int) v;
  }

  public static ModelException fail(Graph g, Node n, String rule) {
    return new ModelException("cannot plan " + n.opType() + " node '" + n.name() + "' (opset "
        + g.opset() + "): " + rule);
  }
}
