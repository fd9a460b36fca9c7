package io.convspark.graph.pass;

import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Recognises exporter spellings of fused activations and replaces them with one node:
 * HardSwish as {@code x * HardSigmoid(x)} (alpha 1/6, beta 0.5) or
 * {@code x * Clip(x + 3, 0, 6) / 6}, and SiLU as {@code x * Sigmoid(x)}.
 */
public final class ActivationPatternFusion implements Pass {
  @Override
  public boolean apply(Graph g) {
    for (Node mul : List.copyOf(g.nodes())) {
      if (mul.opType().equals("Mul") && (fuseGate(g, mul, 0) || fuseGate(g, mul, 1))) {
        return true;
      }
    }
    return false;
  }

  /** Mul(x, gate(x)) where input {@code gateIndex} is the gate. */
  private static boolean fuseGate(Graph g, Node mul, int gateIndex) {
    String x = mul.input(1 - gateIndex);
    String gateValue = mul.input(gateIndex);
    Node gate = g.producer(gateValue);
    if (gate == null || !gate.input(0).equals(x) || !g.hasSingleInternalConsumer(gateValue)) {
      return false;
    }
    if (gate.opType().equals("Sigmoid")) {
      replace(g, mul, List.of(gate), ActivationSpec.SILU, x, mul.output(0));
      return true;
    }
    if (gate.opType().equals("HardSigmoid")
        && near(gate.floatAttr("alpha", 0.2f), 1f / 6f) && near(gate.floatAttr("beta", 0.5f), 0.5f)) {
      replace(g, mul, List.of(gate), "HardSwish", x, mul.output(0));
      return true;
    }
    return false;
  }

  /** Div(Mul(x, Clip(Add(x, 3), 0, 6)), 6), or Mul by 1/6 in place of the Div. */
  static boolean fuseClipSpelling(Graph g, Node div) {
    boolean isDiv = div.opType().equals("Div") && constEquals(g, div.input(1), 6f);
    boolean isMul = div.opType().equals("Mul") && constEquals(g, div.input(1), 1f / 6f);
    if (!isDiv && !isMul) {
      return false;
    }
    Node mul = g.producer(div.input(0));
    if (mul == null || !mul.opType().equals("Mul") || !g.hasSingleInternalConsumer(div.input(0))) {
      return false;
    }
    for (int gi = 0; gi < 2; gi++) {
      String x = mul.input(1 - gi);
      Node clip = g.producer(mul.input(gi));
      if (clip == null || !clip.opType().equals("Clip")
          || !g.hasSingleInternalConsumer(mul.input(gi))) {
        continue;
      }
      var act = ActivationSpec.of(g, clip);
      if (act == null || act.kind() != io.convspark.kernels.Activation.Kind.CLIP
          || act.alpha() != 0f || act.beta() != 6f) {
        continue;
      }
      Node add = g.producer(clip.input(0));
      if (add == null || !add.opType().equals("Add")
          || !g.hasSingleInternalConsumer(clip.input(0))) {
        continue;
      }
      boolean plus3 = add.input(0).equals(x) && constEquals(g, add.input(1), 3f)
          || add.input(1).equals(x) && constEquals(g, add.input(0), 3f);
      if (plus3) {
        replace(g, div, List.of(mul, clip, add), "HardSwish", x, div.output(0));
        return true;
      }
    }
    return false;
  }

  private static boolean constEquals(Graph g, String value, float v) {
    Tensor t = g.constant(value);
    return t != null && t.size() == 1 && near((float) t.get(0), v);
  }

  private static boolean near(float a, float b) {
    return Math.abs(a - b) <= 1e-6f * Math.max(1f, Math.abs(b));
  }

  private static void replace(Graph g, Node last, List<Node> others, String op, String x,
      String out) {
    int at = g.nodes().indexOf(last);
    Node fused = new Node(last.name() + "_" + op, op, "", List.of(x), List.of(out), Map.of());
    g.nodes().set(at, fused);
    g.nodes().removeAll(others);
    g.removeUnusedConstants();
  }

  /** The x * Clip(x + 3, 0, 6) / 6 spelling, as its own pass (it ends at a Div). */
  public static final class ClipSpelling implements Pass {
    @Override
    public boolean apply(Graph g) {
      for (Node n : List.copyOf(g.nodes())) {
        if (fuseClipSpelling(g, n)) {
          return true;
        }
      }
      return false;
    }
  }
}
