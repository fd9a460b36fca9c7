package io.convspark.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.ModelException;
import io.convspark.graph.Attribute;
import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Shape;
import io.convspark.onnx.OnnxLoader;
import io.convspark.testing.CnnBuilder;
import io.convspark.testing.OnnxModelBuilder;
import io.convspark.testing.OrtRunner;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Each rewrite: the compiled model equals ONNX Runtime on the unfused model, and the op counts
 * after fusion show what was fused. Negative cases: the pattern is present but a condition of
 * the rewrite fails, so the counts show no fusion and the outputs still agree.
 */
class FusionTest {
  private static final long SEED = 2345;
  private static final int BATCH = 2;

  /**
   * Compiles, asserts the op counts after fusion ({@code op, count} pairs; 0 = absent), and
   * compares every output with ONNX Runtime on a seeded batch of {@link #BATCH}.
   */
  static ConvModel check(String what, byte[] onnx, Object... expectedCounts) {
    ConvModel model = ConvModel.load(onnx, null);
    Map<String, Integer> after = new TreeMap<>(model.compiled().opCountsAfter());
    for (int i = 0; i < expectedCounts.length; i += 2) {
      String op = (String) expectedCounts[i];
      int n = (Integer) expectedCounts[i + 1];
      assertEquals(n, (int) after.getOrDefault(op, 0), what + ": count of " + op
          + " after fusion, all counts " + after + ", before "
          + new TreeMap<>(model.compiled().opCountsBefore()));
    }
    Shape in = model.compiled().inputShape();
    long[] dims = in.dims().clone();
    dims[0] = BATCH;
    int per = (int) in.elementCount();
    float[] x = OnnxModelBuilder.random(SEED, BATCH * per);
    float[] modelInput = in.rank() == 4 ? Layouts.nchwToNhwc(x, BATCH, (int) dims[1],
        (int) dims[2], (int) dims[3]) : x;
    try (ModelSession s = model.newSession(1)) {
      float[][] out = s.run(modelInput, BATCH);
      for (int o = 0; o < out.length; o++) {
        float[] ref = OrtRunner.run(onnx, x, dims, o);
        OrtRunner.assertCloseToReference(what + " output " + o + " (seed " + SEED + ")", ref,
            out[o], 1e-5);
      }
    }
    return model;
  }

  /** x[N,3,9,9] -> Conv 3->5 3x3 pad 1, with bias. Returns the builder; conv output "c". */
  static OnnxModelBuilder convInput() {
    OnnxModelBuilder b = new OnnxModelBuilder(13).input("x", -1, 3, 9, 9)
        .initializer("w", new long[] {5, 3, 3, 3}, OnnxModelBuilder.random(1, 135))
        .initializer("b", new long[] {5}, OnnxModelBuilder.random(2, 5));
    return b.node("conv", "Conv", new String[] {"x", "w", "b"}, new String[] {"c"},
        Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("pads", 1, 1, 1, 1));
  }

  /** BatchNormalization 'bn' of "in" into "out" over 5 channels with constant statistics. */
  static OnnxModelBuilder bn(OnnxModelBuilder b, String in, String out) {
    return bn(b, in, out, "mean");
  }

  /** As {@link #bn(OnnxModelBuilder, String, String)}, reading the mean from {@code mean}. */
  static OnnxModelBuilder bn(OnnxModelBuilder b, String in, String out, String mean) {
    float[] var = OnnxModelBuilder.random(6, 5);
    for (int i = 0; i < 5; i++) {
      var[i] = 0.5f + Math.abs(var[i]);
    }
    return b.initializer("gamma", new long[] {5}, OnnxModelBuilder.random(3, 5))
        .initializer("beta", new long[] {5}, OnnxModelBuilder.random(4, 5))
        .initializer("mean", new long[] {5}, OnnxModelBuilder.random(5, 5))
        .initializer("var", new long[] {5}, var)
        .node("bn", "BatchNormalization", new String[] {in, "gamma", "beta", mean, "var"},
            new String[] {out}, Attribute.ofFloat("epsilon", 1e-3f));
  }

  static Node node(ConvModel m, String name) {
    for (Node n : m.compiled().graph().nodes()) {
      if (n.name().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no node '" + name + "' in " + m.compiled().graph().nodes());
  }

  // ---- fusions that must happen ----

  @Test
  void convBatchNormFoldsIntoConv() {
    byte[] onnx = bn(convInput(), "c", "y").output("y").toBytes();
    check("Conv+BN", onnx, "Conv", 1, "BatchNormalization", 0);
  }

  @Test
  void convBatchNormReluBecomesOneConvWithReluEpilogue() {
    byte[] onnx = bn(convInput(), "c", "t").node("relu", "Relu", new String[] {"t"},
        new String[] {"y"}).output("y").toBytes();
    ConvModel m = check("Conv+BN+Relu", onnx, "Conv", 1, "BatchNormalization", 0, "Relu", 0);
    assertEquals("RELU", node(m, "conv").stringAttr("_activation", null));
  }

  @Test
  void convRelu6ClipFusesIntoConv() {
    byte[] onnx = convInput().initializer("lo", new long[0], new float[] {0f})
        .initializer("hi", new long[0], new float[] {6f})
        .node("clip", "Clip", new String[] {"c", "lo", "hi"}, new String[] {"y"})
        .output("y").toBytes();
    ConvModel m = check("Conv+Clip(0,6)", onnx, "Conv", 1, "Clip", 0);
    assertEquals("CLIP", node(m, "conv").stringAttr("_activation", null));
  }

  @Test
  void residualAddThenReluFusesIntoSecondConv() {
    CnnBuilder c = new CnnBuilder(13, SEED, "x", -1, 4, 8, 8);
    String a = c.conv("x", 4, 4, 3, 1, 1, 1);
    String b = c.conv(a, 4, 4, 1, 1, 0, 1);
    String y = c.relu(c.binary("Add", b, a));
    ConvModel m = check("Conv, Conv+Add(residual)+Relu", c.output(y).toBytes(), "Conv", 2,
        "Add", 0, "Relu", 0);
    assertEquals("BEFORE_ACTIVATION", node(m, b).stringAttr("_residual", null));
  }

  /**
   * RegNet's proj(x) + f(x), exported with the projection last: it moves to run first (while x
   * is in cache) and the Add fuses into the branch's last conv instead.
   */
  @Test
  void stridedProjectionShortcutRunsFirstAndTheBranchTakesTheAdd() {
    CnnBuilder c = new CnnBuilder(13, SEED, "x", -1, 4, 9, 9);
    String a = c.conv("x", 4, 8, 3, 2, 1, 1);
    String b = c.conv(a, 8, 8, 1, 1, 0, 1);
    String p = c.conv("x", 4, 8, 1, 2, 0, 1);
    String y = c.relu(c.binary("Add", b, p));
    ConvModel m = check("branch + strided projection", c.output(y).toBytes(), "Conv", 3,
        "Add", 0, "Relu", 0);
    assertEquals(p, m.compiled().graph().nodes().get(0).name());
    assertEquals("BEFORE_ACTIVATION", node(m, b).stringAttr("_residual", null));
    assertEquals(null, node(m, p).stringAttr("_residual", null));
  }

  /** A widening projection (output larger than its input) keeps its place and takes the Add. */
  @Test
  void wideningProjectionKeepsItsPlace() {
    CnnBuilder c = new CnnBuilder(13, SEED, "x", -1, 4, 8, 8);
    String a = c.conv("x", 4, 16, 3, 1, 1, 1);
    String p = c.conv("x", 4, 16, 1, 1, 0, 1);
    String y = c.relu(c.binary("Add", a, p));
    ConvModel m = check("branch + widening projection", c.output(y).toBytes(), "Conv", 2,
        "Add", 0, "Relu", 0);
    assertEquals(a, m.compiled().graph().nodes().get(0).name());
    assertEquals("BEFORE_ACTIVATION", node(m, p).stringAttr("_residual", null));
  }

  @Test
  void hardSwishSpelledWithClipFusesIntoConv() {
    CnnBuilder c = new CnnBuilder(13, SEED, "x", -1, 3, 9, 9);
    String y = c.hardSwishSpelled(c.conv("x", 3, 6, 3, 1, 1, 1));
    check("Conv + x*Clip(x+3,0,6)/6", c.output(y).toBytes(), "Conv", 1, "HardSwish", 0,
        "Clip", 0, "Mul", 0, "Div", 0, "Add", 0);
  }

  @Test
  void mulByHardSigmoidOneSixthBecomesHardSwish() {
    byte[] onnx = new OnnxModelBuilder(13).input("x", -1, 3, 5, 7)
        .node("hs", "HardSigmoid", new String[] {"x"}, new String[] {"g"},
            Attribute.ofFloat("alpha", 1f / 6f))
        .node("mul", "Mul", new String[] {"x", "g"}, new String[] {"y"}).output("y").toBytes();
    check("x*HardSigmoid(x, 1/6)", onnx, "HardSwish", 1, "HardSigmoid", 0, "Mul", 0);
  }

  @Test
  void convMulBySigmoidBecomesConvWithSiluEpilogue() {
    byte[] onnx = convInput().node("sig", "Sigmoid", new String[] {"c"}, new String[] {"s"})
        .node("mul", "Mul", new String[] {"s", "c"}, new String[] {"y"}).output("y").toBytes();
    ConvModel m = check("Conv + x*Sigmoid(x)", onnx, "Conv", 1, "Sigmoid", 0, "Mul", 0,
        "SiLU", 0);
    assertEquals("SILU", node(m, "conv").stringAttr("_activation", null));
  }

  @Test
  void matMulPlusConstantBiasBecomesGemm() {
    byte[] onnx = new OnnxModelBuilder(13).input("x", -1, 16)
        .initializer("w", new long[] {16, 10}, OnnxModelBuilder.random(1, 160))
        .initializer("bias", new long[] {10}, OnnxModelBuilder.random(2, 10))
        .node("mm", "MatMul", new String[] {"x", "w"}, new String[] {"t"})
        .node("add", "Add", new String[] {"t", "bias"}, new String[] {"y"})
        .output("y").toBytes();
    check("MatMul+Add", onnx, "Gemm", 1, "MatMul", 0, "Add", 0);
  }

  @Test
  void batchNormStatisticsComputedFromConstantsAreFoldedThenFused() {
    OnnxModelBuilder b = convInput()
        .initializer("half", new long[] {5}, OnnxModelBuilder.random(7, 5))
        .node("twice", "Add", new String[] {"half", "half"}, new String[] {"mean_computed"});
    byte[] onnx = bn(b, "c", "y", "mean_computed").output("y").toBytes();
    check("Conv+BN, mean = Add(const, const)", onnx, "Conv", 1, "BatchNormalization", 0,
        "Add", 0);
  }

  // ---- fusions that must not happen ----

  @Test
  void convOutputThatIsAGraphOutputKeepsBatchNorm() {
    byte[] onnx = bn(convInput(), "c", "y").output("c").output("y").toBytes();
    check("Conv (graph output) + BN", onnx, "Conv", 1, "BatchNormalization", 1);
  }

  @Test
  void batchNormOutputThatIsAGraphOutputFoldsButKeepsRelu() {
    byte[] onnx = bn(convInput(), "c", "t").node("relu", "Relu", new String[] {"t"},
        new String[] {"y"}).output("t").output("y").toBytes();
    ConvModel m = check("Conv+BN (graph output) + Relu", onnx, "Conv", 1,
        "BatchNormalization", 0, "Relu", 1);
    assertEquals(null, node(m, "conv").stringAttr("_activation", null));
  }

  @Test
  void convOutputReadBySecondNodeKeepsBatchNormAndRelu() {
    byte[] onnx = bn(convInput(), "c", "y").node("relu", "Relu", new String[] {"c"},
        new String[] {"r"}).output("y").output("r").toBytes();
    check("Conv read by BN and Relu", onnx, "Conv", 1, "BatchNormalization", 1, "Relu", 1);
  }

  @Test
  void batchNormStatisticsComputedFromTheInputAreNotFolded() {
    // mean = Reshape(GlobalAveragePool(c), [5]): a per-image value, not a constant.
    byte[] onnx = new OnnxModelBuilder(13).input("x", 1, 3, 9, 9)
        .initializer("w", new long[] {5, 3, 3, 3}, OnnxModelBuilder.random(1, 135))
        .initializerLongs("five", new long[] {1}, new long[] {5})
        .node("conv", "Conv", new String[] {"x", "w"}, new String[] {"c"},
            Attribute.ofInts("pads", 1, 1, 1, 1))
        .node("gap", "GlobalAveragePool", new String[] {"c"}, new String[] {"p"})
        .node("flat", "Reshape", new String[] {"p", "five"}, new String[] {"mean_dyn"})
        .initializer("g", new long[] {5}, OnnxModelBuilder.random(3, 5))
        .initializer("be", new long[] {5}, OnnxModelBuilder.random(4, 5))
        .initializer("v", new long[] {5}, new float[] {1, 2, 3, 4, 5})
        .node("bn", "BatchNormalization", new String[] {"c", "g", "be", "mean_dyn", "v"},
            new String[] {"y"})
        .output("y").toBytes();
    Graph g = OnnxLoader.load(onnx, null);
    Optimizer.freeze(g);
    Optimizer.fuse(g);
    assertEquals(1, (int) g.opCounts().getOrDefault("BatchNormalization", 0), g.opCounts()
        .toString());
    ModelException e = assertThrows(ModelException.class, () -> ConvModel.load(onnx, null));
    assertTrue(e.getMessage().contains("cannot plan BatchNormalization node 'bn' (opset 13)")
        && e.getMessage().contains("'mean_dyn' must be a constant of 5 floats"), e.getMessage());
  }

  @Test
  void reluAfterAddWhoseOtherInputIsProducedLaterIsNotFused() {
    // conv runs first; the Add's other input (Relu of x) exists only after it.
    byte[] onnx = new OnnxModelBuilder(13).input("x", -1, 3, 9, 9)
        .initializer("w", new long[] {3, 3, 3, 3}, OnnxModelBuilder.random(1, 81))
        .node("conv", "Conv", new String[] {"x", "w"}, new String[] {"c"},
            Attribute.ofInts("pads", 1, 1, 1, 1))
        .node("later", "Relu", new String[] {"x"}, new String[] {"r"})
        .node("add", "Add", new String[] {"c", "r"}, new String[] {"s"})
        .node("relu", "Relu", new String[] {"s"}, new String[] {"y"}).output("y").toBytes();
    ConvModel m = check("Conv + Add(later value) + Relu", onnx, "Conv", 1, "Add", 1,
        "Relu", 2);
    assertEquals(null, node(m, "conv").stringAttr("_residual", null));
  }

  @Test
  void mulBySigmoidWithASecondSigmoidReaderIsNotSilu() {
    byte[] onnx = new OnnxModelBuilder(13).input("x", -1, 3, 5, 7)
        .node("sig", "Sigmoid", new String[] {"x"}, new String[] {"s"})
        .node("mul", "Mul", new String[] {"x", "s"}, new String[] {"m"})
        .node("add", "Add", new String[] {"m", "s"}, new String[] {"y"}).output("y").toBytes();
    check("x*Sigmoid(x), Sigmoid read twice", onnx, "SiLU", 0, "Sigmoid", 1, "Mul", 1,
        "Add", 1);
  }

  @Test
  void mulByHardSigmoidWithDefaultAlphaIsNotHardSwish() {
    byte[] onnx = new OnnxModelBuilder(13).input("x", -1, 3, 5, 7)
        .node("hs", "HardSigmoid", new String[] {"x"}, new String[] {"g"},
            Attribute.ofFloat("alpha", 0.2f))
        .node("mul", "Mul", new String[] {"x", "g"}, new String[] {"y"}).output("y").toBytes();
    check("x*HardSigmoid(x, 0.2)", onnx, "HardSwish", 0, "HardSigmoid", 1, "Mul", 1);
  }
}
