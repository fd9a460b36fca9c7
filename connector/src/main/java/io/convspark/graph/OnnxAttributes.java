package io.convspark.graph;

import io.convspark.ModelException;

/**
 * Reads ONNX attributes with the spec's defaults, and resolves spatial conv/pool geometry. The
 * graph is passed for its opset, which every message names with the node.
 */
public final class OnnxAttributes {
  private OnnxAttributes() {}

  /** kernel_shape/strides/dilations as ints of length {@code rank}, defaulting to {@code dflt}. */
  public static int[] spatial(Graph g, Node n, String key, int rank, int dflt) {
    long[] v = n.intsAttr(key, null);
    int[] out = new int[rank];
    if (v == null) {
      java.util.Arrays.fill(out, dflt);
      return out;
    }
    if (v.length != rank) {
      throw new ModelException("cannot read " + n.describe(g.opset()) + ": attribute " + key
          + " has " + v.length + " values, expected " + rank + " (one per spatial axis)");
    }
    for (int i = 0; i < rank; i++) {
      if (v[i] <= 0 || v[i] > Integer.MAX_VALUE) {
        throw new ModelException("cannot read " + n.describe(g.opset()) + ": " + key + " "
            + java.util.Arrays.toString(v) + ", values must be positive");
      }
      out[i] = (int) v[i];
    }
    return out;
  }

  /** Explicit pads [top, left, bottom, right], defaulting to zeros. */
  public static int[] pads(Graph g, Node n) {
    long[] v = n.intsAttr("pads", null);
    if (v == null) {
      return new int[4];
    }
    if (v.length != 4) {
      throw new ModelException("cannot read " + n.describe(g.opset()) + ": pads has " + v.length
          + " values, expected 4 for 2-D (begin H, begin W, end H, end W)");
    }
    int[] out = new int[4];
    for (int i = 0; i < 4; i++) {
      if (v[i] < 0 || v[i] > 1 << 20) {
        throw new ModelException("cannot read " + n.describe(g.opset()) + ": pads "
            + java.util.Arrays.toString(v) + ", values must be in [0, 2^20]");
      }
      out[i] = (int) v[i];
    }
    String auto = n.stringAttr("auto_pad", "NOTSET");
    boolean explicit = out[0] != 0 || out[1] != 0 || out[2] != 0 || out[3] != 0;
    if (explicit && !auto.isEmpty() && !auto.equals("NOTSET")) {
      // ONNX forbids both; which one wins differs between runtimes, so refuse to guess.
      throw new ModelException("cannot read " + n.describe(g.opset()) + ": pads "
          + java.util.Arrays.toString(v) + " together with auto_pad " + auto + "; explicit pads"
          + " are only allowed with auto_pad NOTSET");
    }
    return out;
  }

  /** ONNX auto_pad, NOTSET by default; the legacy spelling "" is NOTSET too. */
  public static io.convspark.kernels.AutoPad autoPad(Graph g, Node n) {
    String s = n.stringAttr("auto_pad", "NOTSET");
    switch (s) {
      case "":
      case "NOTSET": return io.convspark.kernels.AutoPad.NOTSET;
      case "VALID": return io.convspark.kernels.AutoPad.VALID;
      case "SAME_UPPER": return io.convspark.kernels.AutoPad.SAME_UPPER;
      case "SAME_LOWER": return io.convspark.kernels.AutoPad.SAME_LOWER;
      default:
        throw new ModelException("cannot read " + n.describe(g.opset()) + ": auto_pad '" + s
            + "', expected one of [NOTSET, VALID, SAME_UPPER, SAME_LOWER]");
    }
  }

  /** Resolves a possibly negative axis against {@code rank}. */
  public static int axis(Graph g, Node n, long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank) {
      throw new ModelException("cannot read " + n.describe(g.opset()) + ": axis " + axis
          + " is outside [" + (-rank) + ", " + (rank - 1) + "] for rank " + rank);
    }
    return (int) a;
  }
}
