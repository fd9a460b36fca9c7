package io.convspark.graph.pass;

import io.convspark.graph.Attribute;
import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Shape;
import java.util.List;

/**
 * The residual Add fused into the Conv that produces one of its inputs: y = conv + r (then a
 * following Relu can fuse as act(conv + r)), or act(conv) + r when the conv already has an
 * activation. The other input must be a computed value of the same shape that exists before
 * the conv runs.
 */
public final class ConvAddFusion implements Pass {
  @Override
  public boolean apply(Graph g) {
    for (Node add : List.copyOf(g.nodes())) {
      if (!add.opType().equals("Add") || add.inputs().size() != 2) {
        continue;
      }
      Node best = null;
      int bestSide = -1;
      for (int side = 0; side < 2; side++) {
        Node conv = candidate(g, add, side);
        if (conv != null && (best == null
            || g.nodes().indexOf(conv) > g.nodes().indexOf(best))) {
          best = conv;
          bestSide = side;
        }
      }
      if (best != null) {
        rewrite(g, best, add, add.input(1 - bestSide));
        return true;
      }
    }
    return false;
  }

  private static Node candidate(Graph g, Node add, int side) {
    String mine = add.input(side);
    String other = add.input(1 - side);
    Node conv = g.producer(mine);
    if (conv == null || !conv.opType().equals("Conv") || conv.attribute("_residual") != null
        || !g.hasSingleInternalConsumer(mine) || g.isConstant(other) || other.equals(mine)) {
      return null;
    }
    Shape a = g.shape(mine);
    Shape b = g.shape(other);
    if (a == null || !a.equals(b)) {
      return null;
    }
    Node otherProducer = g.producer(other);
    if (otherProducer != null
        && g.nodes().indexOf(otherProducer) > g.nodes().indexOf(conv)) {
      return null; // the residual would not exist yet when the conv runs
    }
    return conv;
  }

  private static void rewrite(Graph g, Node conv, Node add, String residual) {
    boolean activated = conv.attribute("_activation") != null;
    conv.setAttribute(Attribute.ofString("_residual",
        activated ? "AFTER_ACTIVATION" : "BEFORE_ACTIVATION"));
    while (conv.inputs().size() < 3) {
      conv.inputs().add("");
    }
    conv.inputs().add(residual);
    String out = add.output(0);
    String old = conv.output(0);
    conv.outputs().set(0, out);
    g.shapes().put(out, g.shape(old));
    g.nodes().remove(add);
  }
}
