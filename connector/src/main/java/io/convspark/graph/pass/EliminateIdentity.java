package io.convspark.graph.pass;

import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import java.util.Iterator;

/** Drops Identity and inference-mode Dropout by rewiring their readers to the input. */
public final class EliminateIdentity implements Pass {
  @Override
  public boolean apply(Graph g) {
    boolean changed = false;
    for (Iterator<Node> it = g.nodes().iterator(); it.hasNext(); ) {
      Node n = it.next();
      boolean identity = n.opType().equals("Identity")
          || (n.opType().equals("Dropout") && n.intAttr("training_mode", 0) == 0
              && (n.outputs().size() < 2 || g.consumers(n.output(1)).isEmpty()));
      if (!identity || !n.hasInput(0)) {
        continue;
      }
      String in = n.input(0);
      String out = n.output(0);
      if (g.isGraphOutput(out) && (g.isGraphOutput(in) || g.inputs().containsKey(in))) {
        continue; // an output must stay a distinct value
      }
      Node p = g.producer(in);
      if (g.isGraphOutput(out) && p == null && !g.isConstant(in)) {
        continue;
      }
      it.remove();
      if (g.isGraphOutput(out)) {
        // Keep the output's name: rename the producer's value (or the constant) instead.
        if (p == null) {
          g.constants().put(out, g.constant(in));
          g.replaceUses(in, out);
          changed = true;
          continue;
        }
        p.outputs().set(p.outputs().indexOf(in), out);
        g.replaceUses(in, out);
        if (g.shape(in) != null) {
          g.shapes().put(out, g.shape(in));
        }
      } else {
        g.replaceUses(out, in);
      }
      changed = true;
    }
    return changed;
  }
}
