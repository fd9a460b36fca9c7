package io.convspark.graph.pass;

import io.convspark.graph.Attribute;
import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Shape;
import io.convspark.graph.Tensor;
import java.util.List;
import java.util.Map;

/** MatMul(x[M,K], W[K,N] constant) + Add(bias[N] constant) becomes one Gemm (an FC layer). */
public final class MatMulAddFusion implements Pass {
  @Override
  public boolean apply(Graph g) {
    for (Node mm : List.copyOf(g.nodes())) {
      if (!mm.opType().equals("MatMul") || !g.isConstant(mm.input(1))
          || g.constant(mm.input(1)).rank() != 2) {
        continue;
      }
      Shape x = g.shape(mm.input(0));
      if (x == null || x.rank() != 2) {
        continue;
      }
      Node add = null;
      String bias = "";
      if (g.hasSingleInternalConsumer(mm.output(0))) {
        Node c = g.consumers(mm.output(0)).get(0);
        if (c.opType().equals("Add")) {
          String other = c.input(0).equals(mm.output(0)) ? c.input(1) : c.input(0);
          Tensor t = g.constant(other);
          long n = g.constant(mm.input(1)).dim(1);
          if (t != null && t.isFloat() && (t.size() == n || t.size() == 1)
              && t.rank() <= 2 && (t.rank() < 2 || t.dim(0) == 1)) {
            add = c;
            bias = other;
          }
        }
      }
      String out = add == null ? mm.output(0) : add.output(0);
      Node gemm = new Node(mm.name(), "Gemm", "", bias.isEmpty()
          ? List.of(mm.input(0), mm.input(1)) : List.of(mm.input(0), mm.input(1), bias),
          List.of(out), Map.of("transB", Attribute.ofInt("transB", 0)));
      g.nodes().set(g.nodes().indexOf(mm), gemm);
      if (add != null) {
        g.shapes().put(out, g.shape(mm.output(0)));
        g.nodes().remove(add);
      }
      return true;
    }
    return false;
  }
}
