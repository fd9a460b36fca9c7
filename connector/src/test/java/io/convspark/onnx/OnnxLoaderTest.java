package io.convspark.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.graph.Attribute;
import io.convspark.graph.DataType;
import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Shape;
import io.convspark.graph.Tensor;
import io.convspark.testing.OnnxModelBuilder;
import io.convspark.testing.TestData;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OnnxLoaderTest {

  @Test
  void loadsMobileNetV2() {
    Graph g = OnnxLoader.load(TestData.model("mobilenet_v2.onnx"));
    assertEquals(13, g.opset());
    assertEquals(Map.of("input", Shape.of(-1, 3, 224, 224)), g.inputs());
    assertEquals(List.of("output"), g.outputs());
    assertEquals(Map.of("Conv", 52, "Clip", 35, "Add", 10, "GlobalAveragePool", 1,
        "Flatten", 1, "Gemm", 1), g.opCounts());
    Tensor fc = g.constant("classifier.1.weight");
    assertArrayEquals(new long[] {1000, 1280}, fc.dims());
    assertEquals(0.00998802948743105f, fc.floats()[0]);
    assertArrayEquals(new long[] {32, 3, 3, 3}, g.constant("onnx::Conv_538").dims());
    assertEquals("Gemm", g.nodes().get(g.nodes().size() - 1).opType());
    assertTopological(g);
  }

  @Test
  void loadsPaddleOcrClassifierAtOpset9() {
    Graph g = OnnxLoader.load(TestData.model("ch_ppocr_mobile_v2.0_cls_infer.onnx"));
    assertEquals(9, g.opset());
    assertEquals(Map.of("x", Shape.of(-1, 3, -1, -1)), g.inputs());
    assertEquals(List.of("softmax_0.tmp_0"), g.outputs());
    assertEquals(221, g.nodes().size());
    assertEquals(53, g.opCounts().get("Conv"));
    assertEquals(35, g.opCounts().get("BatchNormalization"));
    assertEquals(9, g.opCounts().get("HardSigmoid"));
    assertEquals(2.3099253177642822f, g.constant("batch_norm_0.b_0").floats()[0]);
    assertArrayEquals(new long[] {8}, g.constant("batch_norm_0.w_0").dims());
    assertTopological(g);
  }

  @Test
  void sortsNodesGivenInReverseOrderAndNamesUnnamedOnes() {
    var b = new OnnxModelBuilder(13).input("x", -1, 4).output("z");
    b.node("r2", "Relu", new String[] {"y"}, new String[] {"z"});
    b.node("", "Relu", new String[] {"x"}, new String[] {"y"});
    Graph g = OnnxLoader.load(b.toBytes(), null);
    assertEquals(List.of("Relu_1", "r2"), g.nodes().stream().map(Node::name).toList());
    assertEquals(Shape.of(-1, 4), g.inputs().get("x"));
  }

  @Test
  void foldsConstantNodesAndInitializersListedAsInputs() {
    var b = new OnnxModelBuilder(11).input("x", 1, 2).input("w", 2).output("y")
        .initializer("w", new long[] {2}, new float[] {1, 2});
    b.node("Constant", new String[0], new String[] {"c"}, Attribute.ofFloats("value_floats",
        3, 4));
    b.node("Constant", new String[0], new String[] {"k"}, Attribute.ofTensor("value",
        Tensor.ofLongs(5, 6)));
    b.node("Add", new String[] {"x", "w"}, new String[] {"s"});
    b.node("Add", new String[] {"s", "c"}, new String[] {"y"},
        Attribute.ofInt("unused", 1));
    Graph g = OnnxLoader.load(new ByteArrayInputStream(b.toBytes()), null);
    assertEquals(Set.of("x"), g.inputs().keySet());
    assertEquals(Map.of("Add", 2), g.opCounts());
    assertArrayEquals(new float[] {3, 4}, g.constant("c").floats());
    assertArrayEquals(new long[] {5, 6}, g.constant("k").longs());
    assertEquals(DataType.INT64, g.constant("k").type());
    assertEquals(1, g.nodes().get(1).intAttr("unused", 0));
  }

  @Test
  void acceptsZeroSizeInitializers() {
    // Empty tensors are valid ONNX (Resize's empty roi); operators reject 0-size weights later.
    var b = new OnnxModelBuilder(13).input("x", 1, 3).output("y")
        .initializer("roi", new long[] {0}, new float[0]);
    b.node("Identity", new String[] {"x"}, new String[] {"y"});
    Graph g = OnnxLoader.load(b.toBytes(), null);
    assertEquals(0, g.constant("roi").size());
    assertArrayEquals(new long[] {0}, g.constant("roi").dims());
  }

  @Test
  void readsTensorFileWrittenByBuilder() {
    Tensor t = Tensor.ofFloats(new long[] {2, 3}, OnnxModelBuilder.random(42, 6));
    Tensor back = OnnxTensors.read(OnnxModelBuilder.tensor(t).build().toByteArray());
    assertArrayEquals(t.dims(), back.dims());
    assertArrayEquals(t.floats(), back.floats());
  }

  static void assertTopological(Graph g) {
    Set<String> seen = new HashSet<>(g.constants().keySet());
    seen.addAll(g.inputs().keySet());
    for (Node n : g.nodes()) {
      for (String in : n.inputs()) {
        assertTrue(in.isEmpty() || seen.contains(in), () -> n + " reads " + in + " too early");
      }
      seen.addAll(n.outputs());
    }
    assertFalse(g.nodes().isEmpty());
  }
}
