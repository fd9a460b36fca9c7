package io.convspark.graph.pass;

import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Tensor;
import io.convspark.kernels.Activation;

/** Reads an activation node as a kernel {@link Activation}, with ONNX's defaults. */
public final class ActivationSpec {
  /** Op type of the SiLU the pattern pass creates (x * Sigmoid(x)). */
  public static final String SILU = "SiLU";

  private ActivationSpec() {}

  /** The activation {@code n} computes on its first input, or null if it is not one. */
  public static Activation of(Graph g, Node n) {
    switch (n.opType()) {
      case "Relu":
        return Activation.RELU;
      case "Sigmoid":
        return Activation.SIGMOID;
      case SILU:
        return Activation.SILU;
      case "HardSwish":
        return Activation.HARD_SWISH;
      case "LeakyRelu":
        return Activation.leakyRelu(n.floatAttr("alpha", 0.01f));
      case "HardSigmoid":
        return Activation.hardSigmoid(n.floatAttr("alpha", 0.2f), n.floatAttr("beta", 0.5f));
      case "Clip":
        return clip(g, n);
      default:
        return null;
    }
  }

  private static Activation clip(Graph g, Node n) {
    float min;
    float max;
    if (g.opset() < 11) {
      min = n.floatAttr("min", -Float.MAX_VALUE);
      max = n.floatAttr("max", Float.MAX_VALUE);
    } else {
      Float lo = scalar(g, n, 1, Float.NEGATIVE_INFINITY);
      Float hi = scalar(g, n, 2, Float.POSITIVE_INFINITY);
      if (lo == null || hi == null) {
        return null; // bounds computed at run time: not an activation we can fuse
      }
      min = lo;
      max = hi;
    }
    if (min == 0f && max >= Float.MAX_VALUE) {
      return Activation.RELU;
    }
    if (!(min <= max)) {
      return null;
    }
    return Activation.clip(min, max);
  }

  private static Float scalar(Graph g, Node n, int i, float dflt) {
    if (!n.hasInput(i)) {
      return dflt;
    }
    Tensor t = g.constant(n.input(i));
    return t == null || t.size() != 1 ? null : (float) t.get(0);
  }

  /** Stores the activation on a fused node as internal attributes. */
  public static void attach(Node target, Activation a) {
    target.setAttribute(io.convspark.graph.Attribute.ofString("_activation", a.kind().name()));
    target.setAttribute(io.convspark.graph.Attribute.ofFloat("_alpha", a.alpha()));
    target.setAttribute(io.convspark.graph.Attribute.ofFloat("_beta", a.beta()));
  }

  /** The activation fused into {@code n}, NONE if none. */
  public static Activation fused(Node n) {
    String kind = n.stringAttr("_activation", null);
    if (kind == null) {
      return Activation.NONE;
    }
    return new Activation(Activation.Kind.valueOf(kind), n.floatAttr("_alpha", 0f),
        n.floatAttr("_beta", 0f));
  }
}
