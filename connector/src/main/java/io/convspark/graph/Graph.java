package io.convspark.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiler's mutable IR: nodes in topological order, constants by value name, graph inputs
 * with their (possibly partly unknown) shapes, graph outputs, and the inferred shape of every
 * value. Built by the ONNX loader, rewritten by passes, then planned.
 */
public final class Graph {
  private final String name;
  private final long opset;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Tensor> constants = new LinkedHashMap<>();
  private final Map<String, Shape> inputs = new LinkedHashMap<>();
  private final List<String> outputs = new ArrayList<>();
  private final Map<String, Shape> shapes = new HashMap<>();

  public Graph(String name, long opset) {
    this.name = name;
    this.opset = opset;
  }

  public String name() {
    return name;
  }

  /** Opset of the default ONNX domain. */
  public long opset() {
    return opset;
  }

  public List<Node> nodes() {
    return nodes;
  }

  public Map<String, Tensor> constants() {
    return constants;
  }

  public Tensor constant(String value) {
    return constants.get(value);
  }

  public boolean isConstant(String value) {
    return constants.containsKey(value);
  }

  /** Graph inputs that are not initializers, with their declared shapes. */
  public Map<String, Shape> inputs() {
    return inputs;
  }

  public List<String> outputs() {
    return outputs;
  }

  public boolean isGraphOutput(String value) {
    return outputs.contains(value);
  }

  public Map<String, Shape> shapes() {
    return shapes;
  }

  public Shape shape(String value) {
    Shape s = shapes.get(value);
    if (s == null && constants.containsKey(value)) {
      return constants.get(value).shape();
    }
    return s;
  }

  /** The node that produces {@code value}, or null for inputs and constants. */
  public Node producer(String value) {
    for (Node n : nodes) {
      if (n.outputs().contains(value)) {
        return n;
      }
    }
    return null;
  }

  /** Nodes that read {@code value}, in order. */
  public List<Node> consumers(String value) {
    List<Node> out = new ArrayList<>();
    for (Node n : nodes) {
      if (n.inputs().contains(value)) {
        out.add(n);
      }
    }
    return out;
  }

  /** True when exactly one node reads the value and it is not a graph output. */
  public boolean hasSingleInternalConsumer(String value) {
    if (isGraphOutput(value)) {
      return false;
    }
    List<Node> readers = consumers(value);
    return readers.size() == 1 && Collections.frequency(readers.get(0).inputs(), value) == 1;
  }

  /** Renames every read of {@code from} to {@code to} (graph outputs included). */
  public void replaceUses(String from, String to) {
    for (Node n : nodes) {
      List<String> in = n.inputs();
      for (int i = 0; i < in.size(); i++) {
        if (in.get(i).equals(from)) {
          in.set(i, to);
        }
      }
    }
    for (int i = 0; i < outputs.size(); i++) {
      if (outputs.get(i).equals(from)) {
        outputs.set(i, to);
      }
    }
  }

  /** Counts nodes per op type, in first-seen order: "Conv=52, Add=10". */
  public Map<String, Integer> opCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Node n : nodes) {
      counts.merge(n.opType(), 1, Integer::sum);
    }
    return counts;
  }

  /**
   * Drops constants that no node reads and that are not outputs. One pass over the nodes, not
   * one per constant: passes call this after every rewrite of graphs with thousands of nodes.
   */
  public void removeUnusedConstants() {
    java.util.Set<String> used = new java.util.HashSet<>(outputs);
    for (Node n : nodes) {
      used.addAll(n.inputs());
    }
    constants.keySet().removeIf(k -> !used.contains(k));
  }
}
