package io.convspark.graph.pass;

import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Tensor;
import java.util.List;

/**
 * Conv -> BatchNormalization becomes one Conv: W' = W * s, b' = (b - mean) * s + beta with
 * s = gamma / sqrt(var + eps), computed in double. Only when the BN is the conv's single reader,
 * its statistics are constants and the conv output is not a graph output.
 */
public final class ConvBatchNormFolding implements Pass {
  @Override
  public boolean apply(Graph g) {
    for (Node bn : List.copyOf(g.nodes())) {
      Node conv = matches(g, bn);
      if (conv != null) {
        rewrite(g, conv, bn);
        return true;
      }
    }
    return false;
  }

  private static Node matches(Graph g, Node bn) {
    if (!bn.opType().equals("BatchNormalization") || bn.intAttr("training_mode", 0) != 0
        || bn.outputs().size() > 1 && !bn.output(1).isEmpty()) {
      return null;
    }
    Node conv = g.producer(bn.input(0));
    if (conv == null || !conv.opType().equals("Conv") || conv.attribute("_activation") != null
        || conv.attribute("_residual") != null || !g.hasSingleInternalConsumer(bn.input(0))) {
      return null;
    }
    for (int i = 1; i <= 4; i++) {
      if (!g.isConstant(bn.input(i)) || !g.constant(bn.input(i)).isFloat()) {
        return null;
      }
    }
    if (!g.isConstant(conv.input(1)) || conv.hasInput(2) && !g.isConstant(conv.input(2))) {
      return null;
    }
    // Only consistent sizes fold; anything else is left for the planner to reject by name.
    Tensor w = g.constant(conv.input(1));
    long oc = w.rank() == 0 ? -1 : w.dim(0);
    if (!w.isFloat() || w.rank() != 4 || oc <= 0) {
      return null;
    }
    for (int i = 1; i <= 4; i++) {
      if (g.constant(bn.input(i)).size() != oc) {
        return null;
      }
    }
    if (conv.hasInput(2) && (!g.constant(conv.input(2)).isFloat()
        || g.constant(conv.input(2)).size() != oc)) {
      return null;
    }
    return conv;
  }

  private static String unused(Graph g, String base) {
    String name = base;
    for (int k = 2; g.isConstant(name) || g.shapes().containsKey(name); k++) {
      name = base + "_" + k;
    }
    return name;
  }

  private static void rewrite(Graph g, Node conv, Node bn) {
    float[] gamma = g.constant(bn.input(1)).floats();
    float[] beta = g.constant(bn.input(2)).floats();
    float[] mean = g.constant(bn.input(3)).floats();
    float[] var = g.constant(bn.input(4)).floats();
    double eps = bn.floatAttr("epsilon", 1e-5f);
    Tensor w = g.constant(conv.input(1));
    float[] wf = w.floats();
    int oc = (int) w.dim(0);
    int per = wf.length / oc;
    float[] nw = new float[wf.length];
    float[] nb = new float[oc];
    float[] b = conv.hasInput(2) ? g.constant(conv.input(2)).floats() : null;
    for (int o = 0; o < oc; o++) {
      double s = gamma[o] / Math.sqrt(var[o] + eps);
      for (int i = 0; i < per; i++) {
        nw[o * per + i] = (float) (wf[o * per + i] * s);
      }
      nb[o] = (float) (((b == null ? 0 : b[o]) - mean[o]) * s + beta[o]);
    }
    // Unique names: convs sharing one weight tensor each get their own folded copy.
    String wName = unused(g, "ConvBnFusion_W_" + conv.input(1));
    String bName = unused(g, "ConvBnFusion_B_" + (conv.hasInput(2) ? conv.input(2)
        : conv.name()));
    g.constants().put(wName, Tensor.ofFloats(w.dims(), nw));
    g.constants().put(bName, Tensor.ofFloats(new long[] {oc}, nb));
    conv.inputs().set(1, wName);
    if (conv.inputs().size() < 3) {
      conv.inputs().add(bName);
    } else {
      conv.inputs().set(2, bName);
    }
    String out = bn.output(0);
    String old = conv.output(0);
    conv.outputs().set(0, out);
    g.shapes().put(out, g.shape(old));
    g.nodes().remove(bn);
    g.removeUnusedConstants();
  }
}
