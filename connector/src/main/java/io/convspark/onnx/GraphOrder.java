package io.convspark.onnx;

import io.convspark.ModelException;
import io.convspark.graph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Checks the dataflow of a graph and sorts it: one producer per value, every input defined,
 * every graph output produced, no cycles. Iterative (Kahn's algorithm), so a hostile graph
 * cannot overflow the stack; ties keep the file's node order.
 */
final class GraphOrder {
  private static final int MAX_LISTED = 10;

  private GraphOrder() {}

  /**
   * Returns the nodes in topological order.
   *
   * @param defined values available before any node runs: constants and graph inputs
   * @param opset the default-domain opset, for messages
   * @param source names the model in messages
   */
  static List<Node> sort(List<Node> nodes, Set<String> defined, List<String> outputs, long opset,
      String source) {
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      for (String o : n.outputs()) {
        if (o.isEmpty()) {
          continue;
        }
        if (defined.contains(o)) {
          throw new ModelException(at(n, opset, source) + "output '" + o + "' has the same name"
              + " as an initializer or graph input; every value must have one producer");
        }
        Integer other = producer.putIfAbsent(o, i);
        if (other != null) {
          Node p = nodes.get(other);
          throw new ModelException(at(n, opset, source) + "output '" + o + "' is also produced by "
              + p.opType() + " node '" + p.name() + "'; every value must have one producer");
        }
      }
    }
    int[] pending = new int[nodes.size()];
    List<List<Integer>> consumers = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      consumers.add(new ArrayList<>());
    }
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      for (int k = 0; k < n.inputs().size(); k++) {
        String in = n.inputs().get(k);
        if (in.isEmpty() || defined.contains(in)) {
          continue;
        }
        Integer p = producer.get(in);
        if (p == null) {
          throw new ModelException(at(n, opset, source) + "input " + k + " '" + in + "' is not"
              + " produced by any node, and is not an initializer or a graph input");
        }
        pending[i]++;
        consumers.get(p).add(i);
      }
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (pending[i] == 0) {
        ready.add(i);
      }
    }
    List<Node> sorted = new ArrayList<>(nodes.size());
    while (!ready.isEmpty()) {
      int i = ready.poll();
      sorted.add(nodes.get(i));
      for (int c : consumers.get(i)) {
        if (--pending[c] == 0) {
          ready.add(c);
        }
      }
    }
    if (sorted.size() < nodes.size()) {
      throw new ModelException("cannot load " + source + ": the graph has a cycle through "
          + describeCycle(nodes, pending, consumers) + "; nodes must form a directed acyclic"
          + " graph");
    }
    for (String o : outputs) {
      if (!producer.containsKey(o) && !defined.contains(o)) {
        throw new ModelException("cannot load " + source + ": graph output '" + o + "' is not"
            + " produced by any node, and is not an initializer or a graph input");
      }
    }
    return sorted;
  }

  /** Lists the unsorted nodes that still feed another unsorted node: the cycles. */
  private static String describeCycle(List<Node> nodes, int[] pending,
      List<List<Integer>> consumers) {
    boolean[] left = new boolean[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      left[i] = pending[i] > 0;
    }
    boolean changed = true;
    while (changed) { // drop nodes downstream of a cycle that feed no remaining node
      changed = false;
      for (int i = 0; i < nodes.size(); i++) {
        if (left[i] && consumers.get(i).stream().noneMatch(c -> left[c])) {
          left[i] = false;
          changed = true;
        }
      }
    }
    List<String> names = new ArrayList<>();
    int count = 0;
    for (int i = 0; i < nodes.size(); i++) {
      if (left[i]) {
        if (count++ < MAX_LISTED) {
          names.add("'" + nodes.get(i).name() + "' (" + nodes.get(i).opType() + ")");
        }
      }
    }
    return count + " node" + (count == 1 ? "" : "s") + ": " + String.join(", ", names)
        + (count > MAX_LISTED ? ", ..." : "");
  }

  static String at(Node n, long opset, String source) {
    return "cannot load " + n.opType() + " node '" + n.name() + "' (opset " + opset + ") in "
        + source + ": ";
  }
}
