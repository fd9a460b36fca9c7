package io.convspark.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.convspark.ConvModel;
import io.convspark.testing.OnnxModelBuilder;
import io.convspark.testing.OrtRunner;
import io.convspark.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two real models in ../shared/data/models against their references. */
class RealModelTest {
  static float[] readF32(Path p) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.remaining() / 4];
    b.asFloatBuffer().get(f);
    return f;
  }

  @Test
  void mobilenetV2MatchesPyTorchAndOnnxRuntime() throws IOException {
    Path onnx = TestData.model("mobilenet_v2.onnx");
    ConvModel model = ConvModel.load(onnx);
    Map<String, Integer> after = model.compiled().opCountsAfter();
    assertEquals(52, after.get("Conv"), "all convs stay, BN already folded by the exporter");
    assertFalse(after.containsKey("Clip"), "ReLU6 fused into convs: " + after);
    assertFalse(after.containsKey("Add"), "residual adds fused into convs: " + after);
    float[] nchw = readF32(TestData.model("mobilenet_v2.input.f32"));
    float[] torch = readF32(TestData.model("mobilenet_v2.torch.f32"));
    float[] ort = OrtRunner.run(Files.readAllBytes(onnx), nchw, new long[] {2, 3, 224, 224}, 0);
    try (ModelSession s = model.newSession(2)) {
      float[] out = s.run(Layouts.nchwToNhwc(nchw, 2, 3, 224, 224), 2)[0];
      OrtRunner.assertCloseToReference("mobilenet_v2 vs ONNX Runtime", ort, out, 1e-4);
      OrtRunner.assertCloseToReference("mobilenet_v2 vs PyTorch", torch, out, 1e-4);
    }
  }

  @Test
  void paddleOcrClassifierMatchesOnnxRuntime() throws IOException {
    Path onnx = TestData.model("ch_ppocr_mobile_v2.0_cls_infer.onnx");
    ConvModel model = ConvModel.load(onnx, new int[] {48, 192});
    Map<String, Integer> after = model.compiled().opCountsAfter();
    for (String gone : new String[] {"BatchNormalization", "Constant", "Shape", "Slice", "Cast",
        "Concat", "Clip", "Div", "Relu", "HardSigmoid", "MatMul"}) {
      assertFalse(after.containsKey(gone), gone + " must fold or fuse away: " + after);
    }
    assertEquals(53, after.get("Conv"), after.toString());
    int batch = 3;
    float[] nchw = OnnxModelBuilder.random(7, batch * 3 * 48 * 192);
    float[] ort = OrtRunner.run(Files.readAllBytes(onnx), nchw, new long[] {batch, 3, 48, 192},
        0);
    try (ModelSession s = model.newSession(2)) {
      float[] out = s.run(Layouts.nchwToNhwc(nchw, batch, 3, 48, 192), batch)[0];
      OrtRunner.assertCloseToReference("PaddleOCR cls vs ONNX Runtime", ort, out, 1e-4);
    }
  }
}
