package io.convspark.graph.pass;

import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.kernels.Activation;
import java.util.List;

/**
 * Conv (or Gemm) -> activation becomes the conv with the activation in its epilogue, when the
 * activation is the producer's only reader and the producer's output is not a graph output.
 */
public final class ConvActivationFusion implements Pass {
  @Override
  public boolean apply(Graph g) {
    for (Node act : List.copyOf(g.nodes())) {
      Activation a = ActivationSpec.of(g, act);
      if (a == null || !act.hasInput(0)) {
        continue;
      }
      Node p = g.producer(act.input(0));
      if (p == null || !(p.opType().equals("Conv") || p.opType().equals("Gemm"))
          || p.attribute("_activation") != null
          || "AFTER_ACTIVATION".equals(p.stringAttr("_residual", ""))
          || !g.hasSingleInternalConsumer(act.input(0))) {
        continue;
      }
      ActivationSpec.attach(p, a);
      String out = act.output(0);
      String old = p.output(0);
      p.outputs().set(0, out);
      if (g.shape(old) != null) {
        g.shapes().put(out, g.shape(old));
      }
      g.nodes().remove(act);
      return true;
    }
    return false;
  }
}
