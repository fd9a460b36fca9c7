package io.convspark.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ModelException;
import io.convspark.graph.Graph;
import io.convspark.graph.Shape;
import io.convspark.graph.Tensor;
import io.convspark.onnx.proto.ModelProto;
import io.convspark.onnx.proto.NodeProto;
import io.convspark.onnx.proto.OperatorSetIdProto;
import io.convspark.onnx.proto.TensorProto;
import io.convspark.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every ONNX backend conformance model parses and its test data reads; models in the supported
 * opset range (6 to 21) load fully and their inputs match the test data.
 */
class OnnxConformanceLoadTest {

  static Stream<Path> models() throws IOException {
    Path root = TestData.sharedData().resolve("onnx-conformance");
    try (Stream<Path> s = Files.walk(root, 3)) {
      List<Path> all = s.filter(p -> p.getFileName().toString().equals("model.onnx")).sorted()
          .toList();
      assertTrue(all.size() >= 50, "expected the conformance suite under " + root);
      return all.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void loadsModelAndItsTestData(Path model) throws IOException {
    ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(model));
    long opset = proto.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty())
        .mapToLong(OperatorSetIdProto::getVersion).max().orElse(-1);
    System.out.println(model.getParent().getFileName() + " opset " + opset + ": " + proto
        .getGraph().getNodeList().stream().map(NodeProto::getOpType).distinct().toList());
    byte[] bytes = Files.readAllBytes(model);
    if (opset < GraphConverter.MIN_OPSET) { // the pytorch-converted suite is opset 6
      ModelException e = assertThrows(ModelException.class, () -> OnnxLoader.load(model));
      assertEquals("cannot load model '" + model + "': default-domain opset " + opset
          + " is not supported; supported opsets are 6 to 21", e.getMessage());
      // Structure is still checked: the same model relabelled as opset 9 must load.
      bytes = proto.toBuilder().clearOpsetImport().addOpsetImport(OperatorSetIdProto
          .newBuilder().setDomain("").setVersion(9)).build().toByteArray();
    }
    byte[] toLoad = bytes;
    if (usesDouble(proto)) { // DOUBLE is outside the supported element types (M28)
      ModelException e = assertThrows(ModelException.class,
          () -> OnnxLoader.load(toLoad, model.getParent()));
      assertTrue(e.getMessage().contains("element type DOUBLE is not supported"),
          e.getMessage());
      readTestData(model, null);
      return;
    }
    Graph g = OnnxLoader.load(toLoad, model.getParent());
    assertFalse(g.nodes().isEmpty(), model.toString());
    assertFalse(g.outputs().isEmpty(), model.toString());
    readTestData(model, new ArrayList<>(g.inputs().values()));
  }

  /** Reads input_i.pb and output_0.pb; checks inputs against declared shapes when given. */
  private static void readTestData(Path model, List<Shape> declared) {
    Path data = model.resolveSibling("test_data_set_0");
    for (int i = 0; Files.exists(data.resolve("input_" + i + ".pb")); i++) {
      Path pb = data.resolve("input_" + i + ".pb");
      if (isDouble(pb)) {
        ModelException e = assertThrows(ModelException.class, () -> OnnxTensors.read(pb));
        assertTrue(e.getMessage().contains("element type DOUBLE is not supported; supported types"
            + " are FLOAT, UINT8, INT8, INT32, INT64, BOOL"), e.getMessage());
        continue;
      }
      Tensor t = OnnxTensors.read(pb);
      if (declared != null && i < declared.size()) {
        Shape d = declared.get(i);
        assertEquals(d.rank(), t.rank(), pb + " rank vs declared " + d);
        for (int k = 0; k < d.rank(); k++) {
          assertTrue(d.dim(k) < 0 || d.dim(k) == t.dim(k), pb + " " + t + " vs declared " + d);
        }
      }
    }
    Path out = data.resolve("output_0.pb");
    if (Files.exists(out) && !isDouble(out)) {
      assertTrue(OnnxTensors.read(out).size() >= 0);
    }
  }

  private static boolean isDouble(Path pb) {
    try {
      return TensorProto.parseFrom(Files.readAllBytes(pb)).getDataType() == 11;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean usesDouble(ModelProto m) {
    return m.getGraph().getInitializerList().stream().anyMatch(t -> t.getDataType() == 11)
        || m.getGraph().getNodeList().stream().flatMap(n -> n.getAttributeList().stream())
            .anyMatch(a -> a.hasT() && a.getT().getDataType() == 11);
  }
}
