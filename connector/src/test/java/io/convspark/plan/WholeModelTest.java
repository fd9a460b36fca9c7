package io.convspark.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.convspark.ConvModel;
import io.convspark.graph.Shape;
import io.convspark.testing.Models;
import io.convspark.testing.OnnxModelBuilder;
import io.convspark.testing.OrtRunner;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Project-built CNNs: compiled output equals ONNX Runtime's, and fusion removed what it must. */
class WholeModelTest {
  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("convBnRelu", (IntFunction<byte[]>) Models::convBnRelu, 9,
            Map.of("Conv", 1), new String[] {"BatchNormalization", "Relu"}),
        Arguments.of("resnetStyle", (IntFunction<byte[]>) Models::resnetStyle, 37,
            Map.of("Conv", 12, "Gemm", 1), new String[] {"BatchNormalization", "Relu", "Add"}),
        Arguments.of("mobilenetV2Style", (IntFunction<byte[]>) Models::mobilenetV2Style, 33,
            Map.of("Conv", 10), new String[] {"BatchNormalization", "Clip", "Add"}),
        Arguments.of("regnetStyle", (IntFunction<byte[]>) Models::regnetStyle, 31,
            Map.of("Conv", 8), new String[] {"BatchNormalization", "Relu", "Add"}),
        Arguments.of("squeezenetStyle", (IntFunction<byte[]>) Models::squeezenetStyle, 35,
            Map.of("Conv", 8, "Concat", 2, "HardSwish", 0), new String[] {"Relu", "Clip", "Div"}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void matchesOnnxRuntime(String name, IntFunction<byte[]> build, int size,
      Map<String, Integer> expected, String[] gone) {
    byte[] onnx = build.apply(size);
    ConvModel model = ConvModel.load(onnx, null);
    Map<String, Integer> after = model.compiled().opCountsAfter();
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      if (e.getValue() > 0) {
        assertEquals(e.getValue(), after.getOrDefault(e.getKey(), 0), name + " " + e.getKey()
            + " count after fusion: " + after);
      }
    }
    for (String op : gone) {
      assertFalse(after.containsKey(op), name + ": " + op + " should be fused away: " + after);
    }
    int batch = 3;
    Shape in = model.compiled().inputShape();
    int c = (int) in.dim(1);
    float[] nchw = OnnxModelBuilder.random(size * 31L, batch * c * size * size);
    float[] ref = OrtRunner.run(onnx, nchw, new long[] {batch, c, size, size}, 0);
    float[] nhwc = Layouts.nchwToNhwc(nchw, batch, c, size, size);
    try (ModelSession s = model.newSession(2)) {
      float[] out = s.run(nhwc, batch)[0];
      OrtRunner.assertCloseToReference(name, ref, out, 1e-4);
      // Same bits on one thread and after a compile round trip through .csm.
      ConvModel again = ConvModel.fromCompiled(model.toCompiledBytes());
      try (ModelSession s1 = again.newSession(1)) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(out, s1.run(nhwc, batch)[0],
            name + ": 1 thread after .csm round trip must give identical bits");
      }
    }
  }
}
