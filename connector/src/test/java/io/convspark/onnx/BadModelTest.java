package io.convspark.onnx;

import static io.convspark.testing.ProtoBytes.field;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.convspark.ModelException;
import io.convspark.graph.Attribute;
import io.convspark.graph.Graph;
import io.convspark.onnx.proto.AttributeProto;
import io.convspark.onnx.proto.ModelProto;
import io.convspark.onnx.proto.StringStringEntryProto;
import io.convspark.onnx.proto.TensorProto;
import io.convspark.testing.ModelAssertions;
import io.convspark.testing.OnnxModelBuilder;
import io.convspark.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Each hostile or broken model is rejected with a message naming what, where, value, rule. */
class BadModelTest {
  @TempDir Path tmp;

  /** x[1,3,8,8] -> Conv 'conv1' (w[4,3,3,3]) -> y. */
  static OnnxModelBuilder conv() {
    return new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .initializer("w", new long[] {4, 3, 3, 3}, OnnxModelBuilder.random(1, 108));
  }

  static OnnxModelBuilder convWithNode() {
    return conv().node("conv1", "Conv", new String[] {"x", "w"}, new String[] {"y"});
  }


  static ModelException rejects(Executable load, String... parts) {
    return ModelAssertions.rejects(load, parts);
  }

  static ModelException rejects(byte[] model, String... parts) {
    return rejects(() -> OnnxLoader.load(model, null), parts);
  }

  @Test
  void truncatedFile() throws IOException {
    byte[] full = Files.readAllBytes(TestData.model("mobilenet_v2.onnx"));
    rejects(Arrays.copyOf(full, full.length / 2), "cannot parse ONNX model",
        "the data ends in the middle of a field; the data is truncated, corrupt or not an ONNX"
        + " ModelProto");
    byte[] small = convWithNode().toBytes();
    for (int cut = 1; cut < small.length; cut += 7) { // mid-varint and mid-field cuts alike
      rejects(Arrays.copyOf(small, cut), "cannot ");
    }
  }

  @Test
  void randomBytes() {
    byte[] junk = new byte[4096];
    new SplittableRandom(2345).nextBytes(junk);
    rejects(junk, "cannot parse ONNX model (4096 bytes)", "not an ONNX ModelProto");
    rejects(new byte[0], "it is empty (0 bytes), not an ONNX ModelProto");
    rejects("123".getBytes(), "cannot ", "ONNX model");
  }

  @Test
  void everyMutatedByteIsRejectedOrLoaded() {
    byte[] good = convWithNode().toBytes();
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] = (byte) ((bad[i] + 137) % 255);
      try {
        OnnxLoader.load(bad, null);
      } catch (ModelException e) {
        assertTrue(e.getMessage().startsWith("cannot "), e.getMessage());
      }
    }
  }

  @Test
  void emptyGraph() {
    rejects(conv().toBytes(), "cannot load model", "the graph has no nodes");
  }

  @Test
  void noOutputs() {
    ModelProto m = convWithNode().toProto();
    ModelProto bad = m.toBuilder().setGraph(m.getGraph().toBuilder().clearOutput()).build();
    rejects(bad.toByteArray(), "the graph has no outputs");
  }

  @Test
  void outputNobodyProduces() {
    rejects(convWithNode().output("z").toBytes(), "graph output 'z' is not produced by any node");
  }

  @Test
  void danglingInput() {
    var b = convWithNode().node("relu1", "Relu", new String[] {"ghost"}, new String[] {"r"});
    rejects(b.toBytes(), "cannot load Relu node 'relu1' (opset 13)", "input 0 'ghost' is not"
        + " produced by any node, and is not an initializer or a graph input");
  }

  @Test
  void missingInitializer() {
    var b = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .node("conv1", "Conv", new String[] {"x", "w", "b"}, new String[] {"y"});
    rejects(b.toBytes(), "Conv node 'conv1' (opset 13)", "input 1 'w' is not produced");
  }

  @Test
  void cycle() {
    var b = new OnnxModelBuilder(13).input("x", 4).output("d");
    b.node("n1", "Add", new String[] {"x", "c"}, new String[] {"a"});
    b.node("n2", "Relu", new String[] {"a"}, new String[] {"b"});
    b.node("n3", "Relu", new String[] {"b"}, new String[] {"c"});
    b.node("after", "Relu", new String[] {"b"}, new String[] {"d"});
    ModelException e = rejects(b.toBytes(), "the graph has a cycle through 3 nodes: 'n1' (Add),"
        + " 'n2' (Relu), 'n3' (Relu); nodes must form a directed acyclic graph");
    assertTrue(!e.getMessage().contains("after"), e.getMessage());
  }

  @Test
  void twoNodesWriteOneValue() {
    var b = convWithNode().node("again", "Relu", new String[] {"x"}, new String[] {"y"});
    rejects(b.toBytes(), "Relu node 'again' (opset 13)", "output 'y' is also produced by Conv"
        + " node 'conv1'; every value must have one producer");
  }

  @Test
  void negativeDim() {
    TensorProto w = OnnxModelBuilder.tensor(io.convspark.graph.Tensor.ofFloats(new long[] {4},
        new float[4])).clearDims().addDims(-1).addDims(4).setName("w2").build();
    rejects(convWithNode().initializer(w).toBytes(), "cannot load initializer 'w2'",
        "dims [-1, 4] have negative dimension -1 at index 0",
        "tensor dimensions must be zero or positive");
  }

  @Test
  void dimProductOverflow() {
    TensorProto w = TensorProto.newBuilder().setName("big").setDataType(1).addDims(1L << 62)
        .addDims(1L << 62).setRawData(ByteString.copyFrom(new byte[4])).build();
    rejects(convWithNode().initializer(w).toBytes(), "initializer 'big'",
        "dims [4611686018427387904, 4611686018427387904] overflow", "dimension overflow");
    TensorProto huge = w.toBuilder().setDims(0, 1L << 20).setDims(1, 1L << 20).build();
    rejects(convWithNode().initializer(huge).toBytes(), "FLOAT [1048576, 1048576] has "
        + "1099511627776 elements, more than the limit of 2147483639"
        + " (LoaderLimits.maxTensorElements)");
  }

  @Test
  void weightByteSizeMismatch() {
    TensorProto shortW = TensorProto.newBuilder().setName("w2").setDataType(1).addDims(4)
        .addDims(3).setRawData(ByteString.copyFrom(new byte[4])).build();
    rejects(convWithNode().initializer(shortW).toBytes(), "initializer 'w2'",
        "raw_data has 4 bytes, but FLOAT [4, 3] needs exactly 12 x 4 = 48 bytes");
    TensorProto longW = TensorProto.newBuilder().setName("i").setDataType(7).addDims(1)
        .setRawData(ByteString.copyFrom(new byte[4096])).build();
    rejects(convWithNode().initializer(longW).toBytes(),
        "raw_data has 4096 bytes, but INT64 [1] needs exactly 1 x 8 = 8 bytes");
    TensorProto both = shortW.toBuilder().addFloatData(1).build();
    rejects(convWithNode().initializer(both).toBytes(),
        "data in raw_data and float_data; a tensor must have one and only one value field");
  }

  @Test
  void unsupportedElementType() {
    TensorProto d = TensorProto.newBuilder().setName("d").setDataType(11).addDims(1)
        .addDoubleData(1).build();
    rejects(convWithNode().initializer(d).toBytes(), "initializer 'd'",
        "element type DOUBLE is not supported; supported types are FLOAT, UINT8");
  }

  @Test
  void unsupportedOpset() {
    byte[] m = new OnnxModelBuilder(22).input("x", 1).output("y")
        .node("Relu", new String[] {"x"}, new String[] {"y"}).toBytes();
    rejects(m, "default-domain opset 22 is not supported; supported opsets are 6 to 21");
  }

  @Test
  void nonDefaultDomain() {
    ModelProto m = convWithNode().toProto();
    var g = m.getGraph().toBuilder();
    g.getNodeBuilder(0).setDomain("com.microsoft").setOpType("FusedConv");
    rejects(m.toBuilder().setGraph(g).build().toByteArray(), "nodes of operator domains other"
        + " than the default ONNX domain (opset 13) are not supported: 'conv1' (FusedConv,"
        + " domain com.microsoft)");
  }

  @Test
  void attributeOfUnexpectedType() {
    var b = conv().node("conv1", "Conv", new String[] {"x", "w"}, new String[] {"y"},
        Attribute.ofInt("kernel_shape", 3));
    rejects(b.toBytes(), "cannot load Conv node 'conv1' (opset 13)",
        "attribute 'kernel_shape' has type INT, expected INTS");
  }

  @Test
  void graphAttributeIsRejected() {
    ModelProto m = convWithNode().toProto();
    var g = m.getGraph().toBuilder();
    g.getNodeBuilder(0).addAttribute(AttributeProto.newBuilder().setName("then_branch")
        .setType(AttributeProto.AttributeType.GRAPH).setG(m.getGraph()));
    rejects(m.toBuilder().setGraph(g).build().toByteArray(), "Conv node 'conv1' (opset 13)",
        "attribute 'then_branch' has type GRAPH; supported attribute types are");
  }

  @Test
  void deepProtobufNesting() {
    byte[] graph = new byte[0];
    for (int level = 0; level < 1000; level++) { // GraphProto.node > attribute > g, 3000 deep
      graph = field(1, field(5, field(6, graph)));
    }
    rejects(field(7, graph), "cannot parse ONNX model (8939 bytes): messages are nested"
        + " more than 100 levels deep (too many levels of nesting)");
  }

  @Test
  void modelOverSizeLimit() {
    byte[] m = convWithNode().toBytes();
    LoaderLimits small = LoaderLimits.DEFAULT.withMaxModelBytes(100);
    rejects(() -> OnnxLoader.load(m, null, small), m.length + " bytes is more than the limit of"
        + " 100 bytes (LoaderLimits.maxModelBytes); larger models must store weights as"
        + " external data");
    rejects(() -> OnnxLoader.load(new ByteArrayInputStream(m), null, small),
        "model (from a stream)", "more than the limit of 100 bytes");
  }

  @Test
  void weightsOverBudget() {
    LoaderLimits small = LoaderLimits.DEFAULT.withMaxWeightBytes(400);
    rejects(() -> OnnxLoader.load(convWithNode().toBytes(), null, small), "initializer 'w'",
        "FLOAT [4, 3, 3, 3] needs 432 bytes", "more than the limit of 400"
        + " (LoaderLimits.maxWeightBytes)");
  }

  // --- external data ---

  static TensorProto external(String location, String... keyValues) {
    TensorProto.Builder t = TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
        .addDims(3).addDims(3).addDims(3).setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(entry("location", location));
    for (int i = 0; i < keyValues.length; i += 2) {
      t.addExternalData(entry(keyValues[i], keyValues[i + 1]));
    }
    return t.build();
  }

  static StringStringEntryProto entry(String k, String v) {
    return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  /** Writes the model to tmp/model/m.onnx with weights w from {@code t}; returns the model. */
  Path modelWith(TensorProto t) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("model"));
    var b = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y").initializer(t)
        .node("conv1", "Conv", new String[] {"x", "w"}, new String[] {"y"});
    return b.writeTo(dir.resolve("m.onnx"));
  }

  static byte[] floatsLe(float[] f) {
    ByteBuffer b = ByteBuffer.allocate(4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(f);
    return b.array();
  }

  @Test
  void externalDataInsideModelDirLoads() throws IOException {
    float[] w = OnnxModelBuilder.random(3, 108);
    Path m = modelWith(external("weights/w.bin", "offset", "16"));
    Files.createDirectories(m.resolveSibling("weights"));
    byte[] data = new byte[16 + 432];
    System.arraycopy(floatsLe(w), 0, data, 16, 432);
    Files.write(m.resolveSibling("weights/w.bin"), data);
    Graph g = OnnxLoader.load(m);
    assertArrayEquals(w, g.constant("w").floats());
  }

  @Test
  void externalDataWithDotDotEscape() throws IOException {
    Files.write(tmp.resolve("secret.bin"), new byte[432]);
    rejects(() -> OnnxLoader.load(modelWith(external("../secret.bin"))), "initializer 'w'",
        "external data location '../secret.bin' points outside the model's directory");
    rejects(() -> OnnxLoader.load(modelWith(external("sub/../../secret.bin"))),
        "'sub/../../secret.bin' points outside the model's directory");
  }

  @Test
  void externalDataWithAbsolutePath() throws IOException {
    Path abs = Files.write(tmp.resolve("abs.bin"), new byte[432]).toAbsolutePath();
    rejects(() -> OnnxLoader.load(modelWith(external(abs.toString()))), "initializer 'w'",
        "is an absolute path; external data must be a relative path inside the model's"
        + " directory");
  }

  @Test
  void externalDataFileMissing() throws IOException {
    rejects(() -> OnnxLoader.load(modelWith(external("nope.bin"))), "initializer 'w'",
        "external data location 'nope.bin' does not exist");
  }

  @Test
  void externalDataSymlinkLeadingOutside() throws IOException {
    Path secret = Files.write(tmp.resolve("secret.bin"), new byte[432]);
    Path m = modelWith(external("link.bin"));
    Files.createSymbolicLink(m.resolveSibling("link.bin"), secret);
    rejects(() -> OnnxLoader.load(m), "'link.bin' is a symbolic link to", "outside the model's"
        + " directory");
  }

  @Test
  void externalDataOffsetOrLengthOutOfRange() throws IOException {
    Path m = modelWith(external("w.bin", "offset", "100", "length", "432"));
    Files.write(m.resolveSibling("w.bin"), new byte[432]);
    rejects(() -> OnnxLoader.load(m), "has offset 100 + length 432 = 532 bytes, past the end of"
        + " the 432-byte file");
    Path m2 = modelWith(external("w.bin", "length", "-5"));
    rejects(() -> OnnxLoader.load(m2), "has length -5; it must be zero or positive");
    Path m3 = modelWith(external("w.bin", "length", "400"));
    rejects(() -> OnnxLoader.load(m3), "has length 400 bytes, but FLOAT [4, 3, 3, 3] needs"
        + " exactly 432 bytes");
  }

  @Test
  void externalDataWithoutBaseDirectory() {
    byte[] m = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .initializer(external("w.bin"))
        .node("conv1", "Conv", new String[] {"x", "w"}, new String[] {"y"}).toBytes();
    rejects(m, "initializer 'w'", "'w.bin' cannot be resolved: the model was loaded from bytes"
        + " or a stream without a base directory");
  }

}
