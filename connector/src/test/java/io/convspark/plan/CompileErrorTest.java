package io.convspark.plan;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.convspark.ConvModel;
import io.convspark.ModelException;
import io.convspark.graph.Attribute;
import io.convspark.testing.OnnxModelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Models that load but cannot be compiled: each is rejected with one ModelException saying what
 * (cannot plan/compile), where (node, op type, opset), the value and the rule. Nothing else
 * (NullPointerException, ArithmeticException, ...) may escape.
 */
class CompileErrorTest {

  static ModelException rejects(byte[] onnx, int[] inputHW, CompileLimits limits,
      String... parts) {
    ModelException e = assertThrows(ModelException.class,
        () -> ConvModel.load(onnx, inputHW, limits));
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "message lacks '" + p + "': "
          + e.getMessage());
    }
    return e;
  }

  static ModelException rejects(byte[] onnx, String... parts) {
    return rejects(onnx, null, CompileLimits.DEFAULT, parts);
  }

  /** x[1,C,8,8] -> Conv 'conv1' (weights w of {@code wDims}, seeded) -> y. */
  static byte[] conv(int inC, long[] wDims, Attribute... attrs) {
    int n = 1;
    for (long d : wDims) {
      n *= (int) Math.max(d, 0);
    }
    return new OnnxModelBuilder(13).input("x", 1, inC, 8, 8).output("y")
        .initializer("w", wDims, OnnxModelBuilder.random(1, n))
        .node("conv1", "Conv", new String[] {"x", "w"}, new String[] {"y"}, attrs).toBytes();
  }

  @Test
  void everyUnsupportedOpIsListedAtOnceWithNodeNames() {
    byte[] onnx = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .node("tanh1", "Tanh", new String[] {"x"}, new String[] {"a"})
        .node("relu1", "Relu", new String[] {"a"}, new String[] {"b"})
        .node("erf1", "Erf", new String[] {"b"}, new String[] {"c"})
        .node("lrn1", "LRN", new String[] {"c"}, new String[] {"y"}, Attribute.ofInt("size", 3))
        .toBytes();
    ModelException e = rejects(onnx, "cannot compile model (opset 13): 3 node(s) use ops that"
        + " are not supported", "node 'tanh1' (Tanh)", "node 'erf1' (Erf)", "node 'lrn1' (LRN)",
        "supported: [", "Conv");
    assertTrue(!e.getMessage().contains("relu1"), e.getMessage());
  }

  @Test
  void rejectsGroupsNotDividingChannels() {
    rejects(conv(3, new long[] {4, 1, 3, 3}, Attribute.ofInt("group", 2)),
        "node 'conv1'", "input has 3 channels but weights 4x1x3x3 with group 2 expect 2,"
        + " they must agree");
    rejects(conv(4, new long[] {3, 2, 3, 3}, Attribute.ofInt("group", 2)),
        "node 'conv1' (opset 13)", "groups 2 must divide input channels 4 and output channels 3");
  }

  @Test
  void rejectsZeroOrNegativeKernelStrideAndPads() {
    rejects(conv(3, new long[] {4, 3, 3, 3}, Attribute.ofInts("strides", 0, 1)),
        "node 'conv1' (Conv)", "strides [0, 1], values must be positive");
    rejects(conv(3, new long[] {4, 3, 3, 3}, Attribute.ofInts("strides", 1, -2)),
        "node 'conv1' (Conv)", "strides [1, -2], values must be positive");
    rejects(conv(3, new long[] {4, 3, 3, 3}, Attribute.ofInts("kernel_shape", 3, 0)),
        "node 'conv1' (Conv)", "kernel_shape [3, 0], values must be positive");
    rejects(conv(3, new long[] {4, 3, 3, 3}, Attribute.ofInts("kernel_shape", -3, 3)),
        "node 'conv1' (Conv)", "kernel_shape [-3, 3], values must be positive");
    rejects(conv(3, new long[] {4, 3, 3, 3}, Attribute.ofInts("pads", 1, -1, 1, 1)),
        "node 'conv1' (Conv)", "pads [1, -1, 1, 1], values must be in [0, 2^20]");
    rejects(conv(3, new long[] {4, 3, 3, 3}, Attribute.ofInts("dilations", 0, 0)),
        "node 'conv1' (Conv)", "dilations [0, 0], values must be positive");
  }

  @Test
  void rejectsWeightsDisagreeingWithKernelShape() {
    rejects(conv(3, new long[] {4, 3, 3, 3}, Attribute.ofInts("kernel_shape", 5, 5)),
        "cannot plan Conv node 'conv1' (opset 13): kernel_shape 5x5 does not match weights"
        + " 4x3x3x3, they must agree");
  }

  @Test
  void rejectsKernelLargerThanPaddedInput() {
    rejects(conv(3, new long[] {4, 3, 9, 9}), "cannot plan Conv node 'conv1' (opset 13)", "9");
  }

  @Test
  void rejectsArenaAboveCompileLimit() {
    byte[] onnx = conv(3, new long[] {4, 3, 3, 3}, Attribute.ofInts("pads", 1, 1, 1, 1));
    // x 3x8x8 and y 4x8x8 floats are both live: at least 4 * (192 + 256) bytes.
    rejects(onnx, null, new CompileLimits(1000), "cannot compile model: planned arena of",
        "bytes per image exceeds the limit of 1000 bytes",
        "CompileLimits.maxArenaBytesPerImage");
    ConvModel.load(onnx, null, new CompileLimits(1 << 20)); // the same model fits 1 MiB
  }

  @Test
  void rejectsDynamicHeightAndWidthWithoutInputSize() {
    byte[] onnx = new OnnxModelBuilder(13).input("image", 1, 3, -1, -1).output("y")
        .initializer("w", new long[] {4, 3, 3, 3}, OnnxModelBuilder.random(1, 108))
        .node("conv1", "Conv", new String[] {"image", "w"}, new String[] {"y"}).toBytes();
    rejects(onnx, "cannot compile model: input 'image' has dynamic dimensions 1x3x?x?",
        "give the input height and width");
    ConvModel.load(onnx, new int[] {8, 8});
    rejects(conv(3, new long[] {4, 3, 3, 3}), new int[] {16, 16}, CompileLimits.DEFAULT,
        "input size 16x16 was given but the model fixes 8x8");
  }

  @Test
  void rejectsReshapeThatReordersChannelsAndPixels() {
    byte[] onnx = new OnnxModelBuilder(13).input("x", 1, 4, 6, 6).output("y")
        .initializerLongs("to", new long[] {4}, new long[] {1, 6, 4, 6})
        .node("reshape1", "Reshape", new String[] {"x", "to"}, new String[] {"t"})
        .node("relu1", "Relu", new String[] {"t"}, new String[] {"y"}).toBytes();
    rejects(onnx, "cannot plan Reshape node 'reshape1' (opset 13): reshape from 1x4x6x6 to"
        + " 1x6x4x6 is not supported");
  }

  @Test
  void rejectsReshapeWhoseElementCountDiffers() {
    byte[] onnx = new OnnxModelBuilder(13).input("x", 1, 4, 6, 6).output("y")
        .initializerLongs("to", new long[] {2}, new long[] {1, 100})
        .node("reshape1", "Reshape", new String[] {"x", "to"}, new String[] {"y"}).toBytes();
    rejects(onnx, "node 'reshape1'", "[1, 100] holds 100 elements, the input 1x4x6x6 has 144;"
        + " they must be equal");
  }

  /** Hostile attribute values on Conv and MaxPool: compiled, or ModelException; never other. */
  static Stream<Arguments> hostileAttributes() {
    List<Arguments> cases = new ArrayList<>();
    long[][] ints = {{0, 0}, {-1, 1}, {1L << 40, 1}, {1}, {1, 1, 1}, {100, 100}};
    for (String op : new String[] {"Conv", "MaxPool", "AveragePool"}) {
      for (String key : new String[] {"kernel_shape", "strides", "dilations"}) {
        for (long[] v : ints) {
          cases.add(Arguments.of(op, Attribute.ofInts(key, v)));
        }
      }
      cases.add(Arguments.of(op, Attribute.ofInts("pads", 1, 1, 1)));
      cases.add(Arguments.of(op, Attribute.ofInts("pads", 9, 9, 9, 9)));
      cases.add(Arguments.of(op, Attribute.ofInts("pads", -1, 0, 0, 0)));
      cases.add(Arguments.of(op, Attribute.ofString("auto_pad", "BOGUS")));
      cases.add(Arguments.of(op, Attribute.ofInt("group", 0)));
      cases.add(Arguments.of(op, Attribute.ofInt("group", -3)));
      cases.add(Arguments.of(op, Attribute.ofInt("ceil_mode", 1)));
      cases.add(Arguments.of(op, Attribute.ofFloat("kernel_shape", 3f)));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("hostileAttributes")
  void hostileAttributeIsCompiledOrRejectedAsModelException(String op, Attribute a) {
    OnnxModelBuilder b = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y");
    List<Attribute> attrs = new ArrayList<>(List.of(a));
    if (op.equals("Conv")) {
      b.initializer("w", new long[] {3, 3, 3, 3}, OnnxModelBuilder.random(1, 81));
    } else if (!a.name().equals("kernel_shape")) {
      attrs.add(Attribute.ofInts("kernel_shape", 2, 2));
    }
    byte[] onnx = b.node("n1", op, op.equals("Conv") ? new String[] {"x", "w"}
        : new String[] {"x"}, new String[] {"y"}, attrs.toArray(new Attribute[0])).toBytes();
    try {
      ConvModel.load(onnx, null);
    } catch (ModelException e) {
      assertTrue(e.getMessage().startsWith("cannot ") && e.getMessage().contains("'n1'"),
          e.getMessage());
    } catch (RuntimeException e) {
      fail(op + " " + a + ": " + e + " escaped, a ModelException is required", e);
    }
  }

  /** Malformed wiring: a node missing inputs, or reading computed values where constants go. */
  static Stream<Arguments> malformedNodes() {
    return Stream.of(
        Arguments.of("Conv without weights", new String[] {"Conv", "x"}, new Attribute[0]),
        Arguments.of("Conv with computed weights", new String[] {"Conv", "x", "x"},
            new Attribute[0]),
        Arguments.of("Conv with computed bias", new String[] {"Conv", "x", "w", "x"},
            new Attribute[0]),
        Arguments.of("BatchNormalization missing statistics",
            new String[] {"BatchNormalization", "x", "k3"}, new Attribute[0]),
        Arguments.of("Gemm on a 4-D input", new String[] {"Gemm", "x", "w"}, new Attribute[0]),
        Arguments.of("MatMul with computed B", new String[] {"MatMul", "x", "x"},
            new Attribute[0]),
        Arguments.of("Concat axis 7", new String[] {"Concat", "x", "x"},
            new Attribute[] {Attribute.ofInt("axis", 7)}),
        Arguments.of("Softmax axis -9", new String[] {"Softmax", "x"},
            new Attribute[] {Attribute.ofInt("axis", -9)}),
        Arguments.of("Flatten axis 9", new String[] {"Flatten", "x"},
            new Attribute[] {Attribute.ofInt("axis", 9)}),
        Arguments.of("Reshape without shape", new String[] {"Reshape", "x"}, new Attribute[0]),
        Arguments.of("Reshape to a computed shape", new String[] {"Reshape", "x", "x"},
            new Attribute[0]),
        Arguments.of("Add of a 3-element constant", new String[] {"Add", "x", "k3"},
            new Attribute[0]),
        Arguments.of("Div of a constant by the input", new String[] {"Div", "k3", "x"},
            new Attribute[0]),
        Arguments.of("Clip with computed bounds", new String[] {"Clip", "x", "x", "x"},
            new Attribute[0]),
        Arguments.of("MaxPool without kernel_shape", new String[] {"MaxPool", "x"},
            new Attribute[0]),
        Arguments.of("Squeeze axis 5", new String[] {"Squeeze", "x"},
            new Attribute[] {Attribute.ofInts("axes", 5)}),
        Arguments.of("Unsqueeze axis -9", new String[] {"Unsqueeze", "x"},
            new Attribute[] {Attribute.ofInts("axes", -9)}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedNodes")
  void malformedNodeIsRejectedAsModelException(String what, String[] opAndInputs,
      Attribute[] attrs) {
    byte[] onnx = new OnnxModelBuilder(11).input("x", 1, 3, 8, 8).output("y")
        .initializer("w", new long[] {4, 3, 3, 3}, OnnxModelBuilder.random(1, 108))
        .initializer("k3", new long[] {3}, new float[] {1, 2, 3})
        .node("n1", opAndInputs[0], java.util.Arrays.copyOfRange(opAndInputs, 1,
            opAndInputs.length), new String[] {"y"}, attrs).toBytes();
    try {
      ConvModel.load(onnx, null);
      fail(what + ": compiled, a ModelException is required");
    } catch (ModelException e) {
      assertTrue(e.getMessage().startsWith("cannot ") && e.getMessage().contains("'n1'"),
          what + ": " + e.getMessage());
    } catch (RuntimeException e) {
      fail(what + ": " + e + " escaped, a ModelException is required", e);
    }
  }
}
