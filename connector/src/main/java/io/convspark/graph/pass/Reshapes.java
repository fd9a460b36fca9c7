package io.convspark.graph.pass;

import io.convspark.graph.Geometry;
import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Shape;
import io.convspark.graph.Tensor;

/** ONNX Reshape target resolution: 0 copies the input dim (unless allowzero), -1 is inferred. */
final class Reshapes {
  private Reshapes() {}

  static Shape resolve(Graph g, Node n, Shape x, Tensor target) {
    long[] t = target.longs().clone();
    boolean allowZero = n.intAttr("allowzero", 0) != 0;
    int infer = -1;
    long known = 1;
    for (int i = 0; i < t.length; i++) {
      if (t[i] == 0 && !allowZero) {
        if (i >= x.rank()) {
          throw Geometry.fail(g, n, "shape entry " + i + " is 0 but the input " + x
              + " has no dimension " + i + " to copy");
        }
        t[i] = x.dim(i);
      }
      if (t[i] == -1) {
        if (infer >= 0) {
          throw Geometry.fail(g, n, "shape " + java.util.Arrays.toString(target.longs())
              + " has more than one -1, at most one is allowed");
        }
        infer = i;
      } else if (t[i] < 0) {
        throw Geometry.fail(g, n, "shape entry " + t[i] + ", must be >= -1");
      } else {
        known = Math.multiplyExact(known, t[i]);
      }
    }
    long total = x.elementCount();
    if (infer >= 0) {
      if (known == 0 || total % known != 0) {
        throw Geometry.fail(g, n, "cannot infer -1 in shape "
            + java.util.Arrays.toString(target.longs()) + " for " + total + " elements");
      }
      t[infer] = total / known;
    } else if (known != total) {
      throw Geometry.fail(g, n, "shape " + java.util.Arrays.toString(target.longs()) + " holds "
          + known + " elements, the input " + x + " has " + total + "; they must be equal");
    }
    return Shape.of(t);
  }
}
