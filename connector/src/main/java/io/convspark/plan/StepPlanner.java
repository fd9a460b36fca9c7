package io.convspark.plan;

import io.convspark.ModelException;
import io.convspark.graph.Geometry;
import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Shape;
import io.convspark.graph.Tensor;
import io.convspark.graph.pass.ActivationSpec;
import io.convspark.kernels.Activation;
import io.convspark.kernels.ChannelAffinePlan;
import io.convspark.kernels.ConcatPlan;
import io.convspark.kernels.Conv2dPlan;
import io.convspark.kernels.Conv2dShape;
import io.convspark.kernels.ElementwisePlan;
import io.convspark.kernels.Epilogue;
import io.convspark.kernels.FullyConnectedPlan;
import io.convspark.kernels.GlobalPoolPlan;
import io.convspark.kernels.Pool2dPlan;
import io.convspark.kernels.SoftmaxPlan;
import io.convspark.kernels.WeightStore;
import io.convspark.kernels.internal.KernelSupport;
import java.util.Arrays;
import java.util.Map;

/**
 * Turns one optimized node into a step with its kernel plan (weights packed here, once).
 * Values are NHWC in memory when 4-D; the planner only accepts reshapes that keep that order
 * or that it can turn into an explicit channel-major copy.
 */
final class StepPlanner {
  private final Graph g;
  private final Map<String, Integer> ids;
  private final KernelSupport ks;
  /** One per model: every conv's packed weights, 64-byte aligned. */
  private final WeightStore weights;

  StepPlanner(Graph g, Map<String, Integer> ids, KernelSupport ks) {
    long params = 0;
    for (Tensor t : g.constants().values()) {
      params += t.size();
    }
    this.weights = new WeightStore(params);
    this.g = g;
    this.ids = ids;
    this.ks = ks;
  }

  Step plan(Node n) {
    try {
      return planUnchecked(n);
    } catch (ModelException e) {
      throw e;
    } catch (RuntimeException e) {
      throw Geometry.fail(g, n, e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  private int id(String value) {
    Integer i = ids.get(value);
    if (i == null) {
      throw new IllegalStateException("value '" + value + "' has no arena slot");
    }
    return i;
  }

  private Shape shape(Node n, String value) {
    Shape s = g.shape(value);
    if (s == null || !s.isKnown()) {
      throw Geometry.fail(g, n, "the shape of '" + value + "' is unknown; give the input size"
          + " when the model's spatial dimensions are dynamic");
    }
    return s;
  }

  private Step planUnchecked(Node n) {
    String op = n.opType();
    Activation act = ActivationSpec.of(g, n);
    if (act != null) {
      return activation(n, act);
    }
    switch (op) {
      case "Conv": return conv(n);
      case "Gemm": return gemm(n);
      case "MaxPool": case "AveragePool": return pool(n);
      case "GlobalAveragePool": case "GlobalMaxPool": return globalPool(n);
      case "Add": case "Sub": case "Mul": case "Div": return binary(n);
      case "BatchNormalization": return batchNorm(n);
      case "Concat": return concat(n);
      case "Softmax": return softmax(n);
      case "Flatten": case "Reshape": case "Squeeze": case "Unsqueeze": return reshape(n);
      default:
        throw Geometry.fail(g, n, "op " + op + " is not supported");
    }
  }

  private Step conv(Node n) {
    Shape x = shape(n, n.input(0));
    Tensor w = g.constant(n.input(1));
    if (w == null || !w.isFloat()) {
      throw Geometry.fail(g, n, "weights '" + n.input(1) + "' must be a float constant");
    }
    Conv2dShape s = Geometry.conv(g, n, x, w.shape());
    String res = n.stringAttr("_residual", null);
    Conv2dPlan plan = convPlan(n, s);
    return new Steps.Conv(n.name(), plan, id(n.input(0)), res == null ? -1 : id(n.input(3)),
        id(n.output(0)));
  }

  /** A plan of conv node {@code n}'s weights, bias and epilogue for shape {@code s}. */
  Conv2dPlan convPlan(Node n, Conv2dShape s) {
    float[] bias = null;
    if (n.hasInput(2)) {
      Tensor b = g.constant(n.input(2));
      if (b == null || b.size() != s.outC()) {
        throw Geometry.fail(g, n, "bias '" + n.input(2) + "' must be a constant of "
            + s.outC() + " floats");
      }
      bias = b.floats();
    }
    String res = n.stringAttr("_residual", null);
    Epilogue e = Epilogue.of(ActivationSpec.fused(n),
        res == null ? Epilogue.Residual.NONE : Epilogue.Residual.valueOf(res));
    return Conv2dPlan.create(s, g.constant(n.input(1)).floats(), bias, e, ks, weights);
  }

  private Step gemm(Node n) {
    Shape a = shape(n, n.input(0));
    Tensor b = g.constant(n.input(1));
    if (a.rank() != 2 || n.intAttr("transA", 0) != 0) {
      throw Geometry.fail(g, n, "input A must be [N, K] with transA = 0, got " + a);
    }
    if (b == null || b.rank() != 2 || !b.isFloat()) {
      throw Geometry.fail(g, n, "B must be a 2-D float constant");
    }
    boolean transB = n.intAttr("transB", 0) != 0;
    int k = (int) a.dim(1);
    int out = (int) (transB ? b.dim(0) : b.dim(1));
    if ((transB ? b.dim(1) : b.dim(0)) != k) {
      throw Geometry.fail(g, n, "B " + b.shape() + (transB ? " (transposed)" : "")
          + " does not match A " + a + ", inner dimensions must agree");
    }
    float alpha = n.floatAttr("alpha", 1f);
    float beta = n.floatAttr("beta", 1f);
    float[] c = null;
    int residual = -1;
    if (n.hasInput(2)) {
      Tensor ct = g.constant(n.input(2));
      if (ct != null && (ct.size() == 1 || ct.size() == out)) {
        c = ct.floats();
      } else if (ct == null && shape(n, n.input(2)).equals(Shape.of(a.dim(0), out))) {
        residual = id(n.input(2));
      } else {
        throw Geometry.fail(g, n, "C must be a constant of 1 or " + out
            + " floats, or a computed [N, " + out + "] tensor");
      }
    }
    FullyConnectedPlan plan = FullyConnectedPlan.create(k, out, b.floats(), transB, alpha, c,
        beta, ActivationSpec.fused(n), residual >= 0, ks, weights);
    return new Steps.Gemm(n.name(), plan, id(n.input(0)), residual, id(n.output(0)));
  }

  private Step pool(Node n) {
    Shape x = shape(n, n.input(0));
    if (n.outputs().size() > 1 && !n.output(1).isEmpty()) {
      throw Geometry.fail(g, n, "the Indices output of MaxPool is not supported");
    }
    var s = Geometry.pool(g, n, x);
    Pool2dPlan plan = n.opType().equals("MaxPool") ? Pool2dPlan.maxPool(s, ks)
        : Pool2dPlan.averagePool(s, n.intAttr("count_include_pad", 0) != 0, ks);
    return new Steps.Pool(n.name(), n.opType(), plan, id(n.input(0)), id(n.output(0)));
  }

  private Step globalPool(Node n) {
    Shape x = shape(n, n.input(0));
    int h = (int) x.dim(2);
    int w = (int) x.dim(3);
    int c = (int) x.dim(1);
    GlobalPoolPlan plan = n.opType().equals("GlobalAveragePool")
        ? GlobalPoolPlan.average(h, w, c, ks) : GlobalPoolPlan.max(h, w, c, ks);
    return new Steps.GlobalPool(n.name(), n.opType(), plan, id(n.input(0)), id(n.output(0)));
  }

  /** [h, w, c] of a value as the kernels see it (2-D [N, D] is 1 x 1 x D). */
  private int[] hwc(Node n, Shape s) {
    if (s.rank() == 4) {
      return new int[] {(int) s.dim(2), (int) s.dim(3), (int) s.dim(1)};
    }
    if (s.rank() == 2) {
      return new int[] {1, 1, (int) s.dim(1)};
    }
    throw Geometry.fail(g, n, "tensor of shape " + s + " (rank " + s.rank()
        + ") is not supported here, rank 2 or 4 is");
  }

  private Step activation(Node n, Activation act) {
    Shape x = shape(n, n.input(0));
    int[] d = hwc(n, x);
    float[] one = new float[d[2]];
    Arrays.fill(one, 1f);
    ChannelAffinePlan plan = ChannelAffinePlan.create(d[0], d[1], one, new float[d[2]], act, ks);
    return new Steps.Affine(n.name(), n.opType(), plan, id(n.input(0)), id(n.output(0)),
        act.kind().name().toLowerCase(java.util.Locale.ROOT));
  }

  private Step batchNorm(Node n) {
    Shape x = shape(n, n.input(0));
    int[] d = hwc(n, x);
    float[][] p = new float[4][];
    for (int i = 0; i < 4; i++) {
      Tensor t = g.constant(n.input(i + 1));
      if (t == null || t.size() != d[2]) {
        throw Geometry.fail(g, n, "input " + (i + 1) + " '" + n.input(i + 1)
            + "' must be a constant of " + d[2] + " floats (one per channel)");
      }
      p[i] = t.floats();
    }
    ChannelAffinePlan plan = ChannelAffinePlan.fromBatchNorm(d[0], d[1], p[0], p[1], p[2], p[3],
        n.floatAttr("epsilon", 1e-5f), Activation.NONE, ks);
    return new Steps.Affine(n.name(), "BatchNormalization", plan, id(n.input(0)),
        id(n.output(0)), "scale+shift");
  }

  private Step binary(Node n) {
    String op = n.opType();
    String a = n.input(0);
    String b = n.input(1);
    Shape sa = g.shape(a);
    Shape sb = g.shape(b);
    Shape out = shape(n, n.output(0));
    boolean commutative = op.equals("Add") || op.equals("Mul");
    if (g.isConstant(a) || (sa != null && !sa.equals(out))) {
      if (!commutative) {
        throw Geometry.fail(g, n, "the broadcast operand must be the second one for " + op);
      }
      String t = a;
      a = b;
      b = t;
      Shape ts = sa;
      sa = sb;
      sb = ts;
    }
    if (sa == null || !sa.equals(out) || g.isConstant(a)) {
      throw Geometry.fail(g, n, "operands " + sa + " and " + sb + " are not supported: one must"
          + " have the output's shape " + out);
    }
    int[] d = hwc(n, out);
    ElementwisePlan.Op kop = ElementwisePlan.Op.valueOf(op.toUpperCase(java.util.Locale.ROOT));
    Tensor cb = g.constant(b);
    ElementwisePlan.Broadcast bc;
    float[] constant = null;
    if (cb != null) {
      if (cb.size() == 1) {
        bc = ElementwisePlan.Broadcast.SCALAR;
      } else if (cb.size() == d[2] && isChannelVector(cb.shape(), out)) {
        bc = ElementwisePlan.Broadcast.CHANNEL;
      } else {
        throw Geometry.fail(g, n, "constant operand of shape " + cb.shape()
            + " is not supported: a scalar or one value per channel is");
      }
      constant = cb.floats();
    } else if (sb.equals(out)) {
      bc = ElementwisePlan.Broadcast.SAME;
    } else if (out.rank() == 4 && sb.rank() == 4 && sb.dim(1) == out.dim(1) && sb.dim(2) == 1
        && sb.dim(3) == 1) {
      bc = ElementwisePlan.Broadcast.IMAGE_CHANNEL;
    } else {
      throw Geometry.fail(g, n, "operand of shape " + sb + " does not broadcast to " + out
          + " in a supported way (same shape, per channel, per image and channel, scalar)");
    }
    ElementwisePlan plan = ElementwisePlan.create(kop, bc, d[0], d[1], d[2], Activation.NONE, ks);
    return new Steps.Binary(n.name(), op, plan, id(a), constant == null ? id(b) : -1, constant,
        id(n.output(0)));
  }

  /** [C], [C,1,1], [1,C,1,1] against a [N,C,H,W] output, or [D], [1,D] against [N,D]. */
  private static boolean isChannelVector(Shape c, Shape out) {
    long[] d = c.dims();
    int channelAxis = out.rank() == 4 ? 1 : out.rank() - 1;
    int offset = out.rank() - d.length;
    for (int i = 0; i < d.length; i++) {
      int axis = offset + i;
      if (axis != channelAxis && d[i] != 1) {
        return false;
      }
    }
    return offset <= channelAxis;
  }

  private Step concat(Node n) {
    Shape out = shape(n, n.output(0));
    int axis = (int) n.intAttr("axis", 1);
    if (axis < 0) {
      axis += out.rank();
    }
    if (axis != 1) {
      throw Geometry.fail(g, n, "concat along axis " + axis + " is not supported, only the"
          + " channel axis 1 is");
    }
    int[] ch = new int[n.inputs().size()];
    int[] in = new int[ch.length];
    for (int i = 0; i < ch.length; i++) {
      ch[i] = (int) shape(n, n.input(i)).dim(1);
      in[i] = id(n.input(i));
    }
    int[] d = hwc(n, out);
    return new Steps.Concat(n.name(), ConcatPlan.create(d[0], d[1], ch), in, id(n.output(0)));
  }

  private Step softmax(Node n) {
    Shape x = shape(n, n.input(0));
    long dflt = g.opset() >= 13 ? -1 : 1;
    long axis = n.intAttr("axis", dflt);
    if (axis < 0) {
      axis += x.rank();
    }
    int[] d = hwc(n, x);
    boolean lastInMemory = x.rank() == 2 && axis == 1
        || x.rank() == 4 && axis == 1 && (g.opset() >= 13 || d[0] * d[1] == 1);
    if (!lastInMemory) {
      throw Geometry.fail(g, n, "softmax over axis " + axis + " of " + x + " is not supported,"
          + " only over channels");
    }
    return new Steps.Softmax(n.name(), SoftmaxPlan.create(d[2], ks), d[0] * d[1],
        id(n.input(0)), id(n.output(0)));
  }

  private Step reshape(Node n) {
    Shape x = shape(n, n.input(0));
    Shape out = shape(n, n.output(0));
    boolean sameOrder = x.rank() != 4 || x.dim(2) * x.dim(3) == 1 || out.rank() == 4
        && out.dim(1) == x.dim(1) && out.dim(2) == x.dim(2) && out.dim(3) == x.dim(3);
    if (out.rank() == 4 && x.rank() != 4 && out.dim(2) * out.dim(3) != 1) {
      sameOrder = false;
    }
    if (sameOrder) {
      return new Steps.View(n.name(), n.opType(), id(n.input(0)), id(n.output(0)));
    }
    if (x.rank() == 4 && out.rank() == 2) {
      return new Steps.ToChannelMajor(n.name(), n.opType(), (int) x.dim(2), (int) x.dim(3),
          (int) x.dim(1), id(n.input(0)), id(n.output(0)));
    }
    throw Geometry.fail(g, n, "reshape from " + x + " to " + out + " is not supported");
  }
}
