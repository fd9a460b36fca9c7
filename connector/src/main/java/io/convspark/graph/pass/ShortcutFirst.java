package io.convspark.graph.pass;

import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Shape;
import io.convspark.graph.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a projection shortcut early: a 1x1 Conv that feeds an Add and reads a value the Add's
 * other branch reads too moves to right after that value's producer, when its output is no
 * larger than its input (a strided or narrowing projection). It then reads its input while the
 * input is still in cache and frees it sooner, and {@link ConvAddFusion}, which fuses the Add
 * into the later conv, puts it in the branch's last conv instead of the shortcut. Torch exports
 * RegNet's {@code proj(x) + f(x)} in this order already; other exporters put the shortcut last.
 */
public final class ShortcutFirst implements Pass {
  /** System property: {@code false} keeps the exporter's order. */
  public static final String PROPERTY = "convspark.shortcutFirst";

  private final Set<Node> moved = new HashSet<>();

  @Override
  public boolean apply(Graph g) {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
      return false;
    }
    List<Node> nodes = g.nodes();
    for (Node add : List.copyOf(nodes)) {
      if (!add.opType().equals("Add") || add.inputs().size() != 2) {
        continue;
      }
      for (int side = 0; side < 2; side++) {
        Node conv = g.producer(add.input(side));
        if (conv == null || moved.contains(conv) || !isProjection(g, conv)
            || !g.hasSingleInternalConsumer(conv.output(0))) {
          continue;
        }
        Node source = g.producer(conv.input(0));
        int at = source == null ? 0 : nodes.indexOf(source) + 1;
        int pos = nodes.indexOf(conv);
        if (pos > at) {
          nodes.remove(pos);
          nodes.add(at, conv);
          moved.add(conv);
          return true;
        }
      }
    }
    return false;
  }

  /** A 1x1 Conv over one computed value read elsewhere too, its output no larger than it. */
  private static boolean isProjection(Graph g, Node conv) {
    if (!conv.opType().equals("Conv") || g.isConstant(conv.input(0))) {
      return false;
    }
    for (int i = 1; i < conv.inputs().size(); i++) {
      if (!conv.input(i).isEmpty() && !g.isConstant(conv.input(i))) {
        return false;
      }
    }
    Tensor w = g.constant(conv.input(1));
    Shape in = g.shape(conv.input(0));
    Shape out = g.shape(conv.output(0));
    long inSize = perImage(in);
    long outSize = perImage(out);
    return w != null && w.rank() == 4 && w.dim(2) == 1 && w.dim(3) == 1 && inSize > 0
        && outSize > 0 && outSize <= inSize && g.consumers(conv.input(0)).size() >= 2;
  }

  /** Elements per image (the batch may be dynamic), or -1 when unknown. */
  private static long perImage(Shape s) {
    if (s == null || s.rank() < 2) {
      return -1;
    }
    long n = 1;
    for (int i = 1; i < s.rank(); i++) {
      if (s.dim(i) < 0) {
        return -1;
      }
      n *= s.dim(i);
    }
    return n;
  }
}
