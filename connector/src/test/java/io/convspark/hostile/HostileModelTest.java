package io.convspark.hostile;

import static io.convspark.testing.ProtoBytes.field;
import static io.convspark.testing.ProtoBytes.varint;
import static io.convspark.testing.ModelAssertions.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.convspark.ConvModel;
import io.convspark.ModelException;
import io.convspark.graph.Attribute;
import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Tensor;
import io.convspark.onnx.LoaderLimits;
import io.convspark.onnx.OnnxLoader;
import io.convspark.onnx.proto.AttributeProto;
import io.convspark.onnx.proto.GraphProto;
import io.convspark.onnx.proto.ModelProto;
import io.convspark.onnx.proto.NodeProto;
import io.convspark.onnx.proto.OperatorSetIdProto;
import io.convspark.onnx.proto.TensorProto;
import io.convspark.plan.CompileLimits;
import io.convspark.testing.OnnxModelBuilder;
import io.convspark.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.RandomAccessFile;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile model files, cases M1-M28 of shared/docs/hostile-inputs.md section 5.1. Each is
 * rejected on the driver by one {@link ModelException} naming the field, node or tensor and the
 * offending value, or accepted where the table says so. No other exception may escape, and
 * every case is time-boxed in a separate thread so a hang fails instead of blocking the build.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileModelTest {
  @TempDir Path tmp;

  // --- helpers ---


  /** Loader-level rejection (parse and validate only). */
  static ModelException rejectsLoad(byte[] onnx, String... parts) {
    return rejects(() -> OnnxLoader.load(onnx, null), parts);
  }

  /** Rejection at load or plan time (parse, validate, fold, fuse, plan). */
  static ModelException rejectsCompile(byte[] onnx, int[] inputHW, String... parts) {
    return rejects(() -> ConvModel.load(onnx, inputHW), parts);
  }

  static ModelException rejectsCompile(byte[] onnx, String... parts) {
    return rejectsCompile(onnx, null, parts);
  }

  /** x[1,3,8,8] -> Conv 'conv1' (w[4,3,3,3]) -> y. */
  static OnnxModelBuilder conv() {
    return new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .initializer("w", new long[] {4, 3, 3, 3}, OnnxModelBuilder.random(1, 108))
        .node("conv1", "Conv", new String[] {"x", "w"}, new String[] {"y"});
  }

  /** x[1,C,8,8] -> Conv 'conv1' with weights of {@code wDims} and {@code attrs} -> y. */
  static byte[] convWith(int inC, long[] wDims, Attribute... attrs) {
    long n = 1;
    for (long d : wDims) {
      n *= Math.max(d, 0);
    }
    return new OnnxModelBuilder(13).input("x", 1, inC, 8, 8).output("y")
        .initializer("w", wDims, OnnxModelBuilder.random(1, (int) n))
        .node("conv1", "Conv", new String[] {"x", "w"}, new String[] {"y"}, attrs).toBytes();
  }

  /**
   * A tiny model touching most of the loader: x[1,3,4,4] -> Conv(pads) -> Relu -> MaxPool ->
   * Flatten -> Gemm(transB) -> Softmax -> y[1,3]; 32 weights.
   */
  static byte[] tinyModel() {
    return new OnnxModelBuilder(13).input("x", 1, 3, 4, 4).output("y")
        .initializer("w", new long[] {2, 3, 1, 1}, OnnxModelBuilder.random(2, 6))
        .initializer("b", new long[] {2}, new float[] {0.5f, -0.5f})
        .initializer("fc", new long[] {3, 8}, OnnxModelBuilder.random(3, 24))
        .node("conv1", "Conv", new String[] {"x", "w", "b"}, new String[] {"c"},
            Attribute.ofInts("pads", 0, 0, 0, 0), Attribute.ofInts("strides", 1, 1))
        .node("relu1", "Relu", new String[] {"c"}, new String[] {"r"})
        .node("pool1", "MaxPool", new String[] {"r"}, new String[] {"p"},
            Attribute.ofInts("kernel_shape", 2, 2), Attribute.ofInts("strides", 2, 2))
        .node("flat1", "Flatten", new String[] {"p"}, new String[] {"f"})
        .node("fc1", "Gemm", new String[] {"f", "fc"}, new String[] {"g"},
            Attribute.ofInt("transB", 1))
        .node("soft1", "Softmax", new String[] {"g"}, new String[] {"y"})
        .toBytes();
  }

  /**
   * A second tiny model for the shape-arithmetic and fusion paths: Conv -> BatchNormalization
   * -> Relu, Concat with the input, GlobalAveragePool, then Shape -> Gather -> Unsqueeze ->
   * Concat (with a Constant node) -> Reshape, and Add of a constant.
   */
  static byte[] tinyFoldingModel() {
    return new OnnxModelBuilder(13).input("x", 1, 2, 4, 4).output("y")
        .initializer("w", new long[] {2, 2, 3, 3}, OnnxModelBuilder.random(6, 36))
        .initializer("scale", new long[] {2}, new float[] {1, 2})
        .initializer("bias", new long[] {2}, new float[] {0, 1})
        .initializer("mean", new long[] {2}, new float[] {0.5f, 0})
        .initializer("var", new long[] {2}, new float[] {1, 4})
        .initializerLongs("zero", new long[0], new long[] {0})
        .initializerLongs("axes", new long[] {1}, new long[] {0})
        .initializer("k", new long[] {4}, new float[] {1, 2, 3, 4})
        .node("conv1", "Conv", new String[] {"x", "w"}, new String[] {"c"},
            Attribute.ofInts("pads", 1, 1, 1, 1))
        .node("bn1", "BatchNormalization", new String[] {"c", "scale", "bias", "mean", "var"},
            new String[] {"b"})
        .node("relu1", "Relu", new String[] {"b"}, new String[] {"r"})
        .node("cat1", "Concat", new String[] {"r", "x"}, new String[] {"cat"},
            Attribute.ofInt("axis", 1))
        .node("gap1", "GlobalAveragePool", new String[] {"cat"}, new String[] {"gap"})
        .node("shape1", "Shape", new String[] {"cat"}, new String[] {"s"})
        .node("gather1", "Gather", new String[] {"s", "zero"}, new String[] {"n"})
        .node("unsq1", "Unsqueeze", new String[] {"n", "axes"}, new String[] {"n1"})
        .node("minus1", "Constant", new String[0], new String[] {"m1"},
            Attribute.ofTensor("value", Tensor.ofLongs(-1)))
        .node("cat2", "Concat", new String[] {"n1", "m1"}, new String[] {"shp"},
            Attribute.ofInt("axis", 0))
        .node("reshape1", "Reshape", new String[] {"gap", "shp"}, new String[] {"flat"})
        .node("add1", "Add", new String[] {"flat", "k"}, new String[] {"y"})
        .toBytes();
  }

  static ModelProto proto(byte[] onnx) {
    try {
      return ModelProto.parseFrom(onnx);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Rebuilds {@code m} with its graph edited by {@code edit}. */
  static byte[] editGraph(ModelProto m, java.util.function.Consumer<GraphProto.Builder> edit) {
    GraphProto.Builder g = m.getGraph().toBuilder();
    edit.accept(g);
    return m.toBuilder().setGraph(g).build().toByteArray();
  }


  /** A FunctionProto (ModelProto field 25) with a name, a domain and the given body nodes. */
  static ByteString function(String name, String domain, NodeProto... body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(field(1, name.getBytes(StandardCharsets.UTF_8)));
    for (NodeProto n : body) {
      out.writeBytes(field(7, n.toByteArray()));
    }
    out.writeBytes(field(10, domain.getBytes(StandardCharsets.UTF_8)));
    return ByteString.copyFrom(out.toByteArray());
  }

  static byte[] withFunctions(ModelProto m, ByteString... functions) {
    UnknownFieldSet.Field.Builder f = UnknownFieldSet.Field.newBuilder();
    for (ByteString fn : functions) {
      f.addLengthDelimited(fn);
    }
    return m.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(25, f.build()).build()).build().toByteArray();
  }

  /** Captures the warnings one JUL logger (System.Logger's default backend) emits. */
  static final class Warnings extends Handler implements AutoCloseable {
    final List<String> messages = new ArrayList<>();
    private final Logger logger;

    Warnings(String loggerName) {
      logger = Logger.getLogger(loggerName);
      logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord r) {
      messages.add(r.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      logger.removeHandler(this);
    }
  }

  // --- M1 to M6: bytes that are not (all of) a model ---

  @Test
  @DisplayName("M1 0-byte file; 3-byte file \"123\"")
  void m01_emptyAndThreeByteFiles() throws IOException {
    Path empty = Files.write(tmp.resolve("empty.onnx"), new byte[0]);
    rejects(() -> ConvModel.load(empty), "model '" + empty + "'",
        "it is empty (0 bytes), not an ONNX ModelProto");
    Path three = Files.write(tmp.resolve("123.onnx"), "123".getBytes(StandardCharsets.US_ASCII));
    rejects(() -> ConvModel.load(three), "cannot parse ONNX model '" + three + "'",
        "not an ONNX ModelProto");
    rejectsLoad("123".getBytes(StandardCharsets.US_ASCII), "model (3 bytes)",
        "not an ONNX ModelProto");
  }

  /** Its readObject trips a flag: proves the loader never Java-deserializes user bytes. */
  static final class Tripwire implements Serializable {
    private static final long serialVersionUID = 1L;
    static volatile boolean tripped;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      tripped = true;
    }
  }

  @Test
  @DisplayName("M2 non-protobuf bytes: a JPEG, a .pt pickle and zip, text, a Java object")
  void m02_nonProtobufBytes() throws IOException {
    byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F',
        0, 1, 1, 0, 0, 1, 0, 1, 0, 0, (byte) 0xFF, (byte) 0xDB, 0, 67, 0};
    byte[] pickle = {(byte) 0x80, 2, '}', 'q', 0, '(', 'X', 1, 0, 0, 0, 'a', 'q', 1, 'K', 1, 'u',
        '.'};
    byte[] ptZip = {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0, 'a', 'r', 'c', 'h', 'i', 'v',
        'e', '/', 'd', 'a', 't', 'a', '.', 'p', 'k', 'l'};
    byte[] text = ("ir_version: 8\nopset_import { version: 13 }\ngraph { node { op_type:"
        + " \"Relu\" input: \"x\" output: \"y\" } }\n").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream java = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(java)) {
      out.writeObject(new Tripwire());
    }
    Tripwire.tripped = false;
    for (byte[] bad : List.of(jpeg, pickle, ptZip, text, java.toByteArray())) {
      rejectsLoad(bad, "model (" + bad.length + " bytes)", "not an ONNX");
      rejectsCompile(bad, "not an ONNX");
    }
    assertFalse(Tripwire.tripped, "the loader deserialized a Java object");
  }

  @Test
  @DisplayName("M3 valid model truncated at 10/50/99%, mid-varint and mid-length-delimited")
  void m03_truncatedModel() throws IOException {
    byte[] mobilenet = Files.readAllBytes(TestData.model("mobilenet_v2.onnx"));
    for (int percent : new int[] {10, 50, 99}) {
      int cut = (int) ((long) mobilenet.length * percent / 100);
      rejectsLoad(Arrays.copyOf(mobilenet, cut), "model (" + cut + " bytes)",
          "the data ends in the middle of a field");
    }
    byte[] small = conv().toBytes();
    int graphTag = indexOf(small, (byte) 0x3A); // ModelProto.graph: field 7, length-delimited
    assertTrue(small[graphTag + 1] < 0, "the graph length is a multi-byte varint");
    rejectsLoad(Arrays.copyOf(small, graphTag + 2), "the data ends in the middle of a field");
    rejectsLoad(Arrays.copyOf(small, graphTag + 20), "the data ends in the middle of a field");
    for (int cut = 1; cut < small.length; cut++) { // every cut: never a partial model
      int at = cut;
      ModelException e = assertThrows(ModelException.class,
          () -> ConvModel.load(Arrays.copyOf(small, at), null), "cut at " + cut);
      assertTrue(e.getMessage().startsWith("cannot "), e.getMessage());
    }
  }

  static int indexOf(byte[] a, byte b) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    throw new AssertionError("byte " + b + " not found");
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS,
      threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  @DisplayName("M4 every byte of two tiny models mutated (+-137 mod 255), plus random bit flips")
  void m04_everyByteMutatedAndRandomBitFlips() throws Exception {
    mutateAndLoad(tinyModel(), 20261125);
    mutateAndLoad(tinyFoldingModel(), 8);
  }

  /**
   * Loads every single-byte mutation of {@code good} and 2,000 seeded random bit flips, each in
   * a worker with a 10 s time box: each must load or be rejected by a deliberate check.
   */
  static void mutateAndLoad(byte[] good, long seed) throws Exception {
    ConvModel.load(good, null); // the unmutated model is valid
    List<byte[]> cases = new ArrayList<>();
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] = (byte) (((bad[i] & 0xff) + 137) % 255);
      cases.add(bad);
      byte[] down = good.clone();
      down[i] = (byte) (((down[i] & 0xff) - 137 + 255) % 255);
      cases.add(down);
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int k = 0; k < 2000; k++) {
      byte[] bad = good.clone();
      for (int flips = 1 + r.nextInt(4); flips > 0; flips--) {
        int bit = r.nextInt(bad.length * 8);
        bad[bit / 8] ^= (byte) (1 << (bit % 8));
      }
      cases.add(bad);
    }
    int loaded = 0;
    int rejected = 0;
    List<String> wrapped = new ArrayList<>();
    ExecutorService pool = Executors.newSingleThreadExecutor(t -> {
      Thread th = new Thread(t, "m04-load");
      th.setDaemon(true);
      return th;
    });
    try {
      for (int i = 0; i < cases.size(); i++) {
        byte[] bad = cases.get(i);
        Future<ConvModel> f = pool.submit(() -> ConvModel.load(bad, null));
        try {
          assertNotNull(f.get(10, TimeUnit.SECONDS));
          loaded++;
        } catch (TimeoutException e) {
          fail("case " + i + " did not finish in 10 s: " + Arrays.toString(bad));
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof ModelException m)) {
            throw new AssertionError("case " + i + ": " + e.getCause() + " escaped, only"
                + " ModelException may; model " + Arrays.toString(bad), e.getCause());
          }
          assertTrue(m.getMessage().startsWith("cannot "), m.getMessage());
          if (m.getMessage().contains("java.lang.") || m.getMessage().contains("malformed")) {
            wrapped.add(i + ": " + m.getMessage() + (m.getCause() == null ? "" : " at "
                + Arrays.toString(Arrays.copyOf(m.getCause().getStackTrace(), 3))));
          }
          rejected++;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(cases.size(), loaded + rejected);
    assertEquals(List.of(), wrapped, "rejections by a generic catch, not a deliberate check");
    assertTrue(rejected > cases.size() / 4 && loaded > 0, loaded + " loaded, " + rejected
        + " rejected: the mutations must reach both outcomes");
  }

  @Test
  @DisplayName("M5 serialized size over 2^31-1; a length-delimited field longer than the file")
  void m05_oversizedFileOrFieldLength() throws IOException {
    Path big = tmp.resolve("big.onnx");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(1L << 31); // sparse: no disk used, never read
    }
    rejects(() -> ConvModel.load(big), "2147483648 bytes is more than the limit of 2147483647"
        + " bytes (LoaderLimits.maxModelBytes); larger models must store weights as external"
        + " data");
    byte[] m = conv().toBytes();
    rejects(() -> OnnxLoader.load(m, null, LoaderLimits.DEFAULT.withMaxModelBytes(100)),
        m.length + " bytes is more than the limit of 100 bytes", "must store weights as external"
        + " data");
    ByteArrayOutputStream claims = new ByteArrayOutputStream();
    claims.write(0x3A); // graph, length-delimited, declared 2^31 - 2 bytes, 3 present
    varint(claims, Integer.MAX_VALUE - 1);
    claims.writeBytes(new byte[] {0x0A, 0x01, 0x00});
    rejectsLoad(claims.toByteArray(), "a field declares a length beyond the 2147483647-byte"
        + " protobuf limit (message too large); larger models must store weights as external"
        + " data");
    ByteArrayOutputStream shorter = new ByteArrayOutputStream();
    shorter.write(0x3A); // declared 1 MiB, 3 present
    varint(shorter, 1 << 20);
    shorter.writeBytes(new byte[] {0x0A, 0x01, 0x00});
    rejectsLoad(shorter.toByteArray(), "the data ends in the middle of a field");
    ByteArrayOutputStream negative = new ByteArrayOutputStream();
    negative.write(0x3A); // a negative length (10-byte varint of -1)
    varint(negative, -1L);
    rejectsLoad(negative.toByteArray(), "cannot parse ONNX model", "not an ONNX ModelProto");
  }

  /** Nested messages ModelProto.graph > node > attribute > g > node > ...: {@code depth} deep. */
  static byte[] nested(int depth) {
    int[] path = new int[depth];
    path[0] = 7;
    int[] cycle = {1, 5, 6};
    for (int i = 1; i < depth; i++) {
      path[i] = cycle[(i - 1) % 3];
    }
    byte[] inner = new byte[0];
    for (int i = depth - 1; i >= 0; i--) {
      inner = field(path[i], inner);
    }
    return inner;
  }

  @Test
  @DisplayName("M6 nesting depth 101 (nested graph attributes) vs a legit deep model")
  void m06_nestingDepth() {
    for (int depth : new int[] {101, 102, 3000}) {
      rejectsLoad(nested(depth), "messages are nested more than 100 levels deep (too many levels"
          + " of nesting)");
    }
    ModelException within = rejectsLoad(nested(100), "cannot load");
    assertFalse(within.getMessage().contains("nesting"), within.getMessage());
    // Legit: a 2,000-node chain is deep in dataflow, not in protobuf nesting, and compiles.
    OnnxModelBuilder b = new OnnxModelBuilder(13).input("x", 1, 3, 4, 4).output("v2000");
    for (int i = 1; i <= 2000; i++) {
      b.node("relu" + i, "Relu", new String[] {i == 1 ? "x" : "v" + (i - 1)},
          new String[] {"v" + i});
    }
    assertEquals(2000, ConvModel.load(b.toBytes(), null).compiled().graph().nodes().size());
    // Graph passes are not linear in the node count: more nodes than the limit are refused.
    rejects(() -> OnnxLoader.load(b.toBytes(), null, LoaderLimits.DEFAULT.withMaxNodes(1999)),
        "the graph has 2000 nodes, more than the limit of 1999 (LoaderLimits.maxNodes)");
    assertEquals(20_000, LoaderLimits.DEFAULT.maxNodes());
    Graph mobilenet = OnnxLoader.load(TestData.model("mobilenet_v2.onnx"));
    assertTrue(mobilenet.nodes().size() > 60, mobilenet.opCounts().toString());
  }

  // --- M7 to M9: versions, domains, operators ---

  @Test
  @DisplayName("M7 ir_version missing/0 or higher than supported")
  void m07_irVersion() {
    ModelProto m = conv().toProto();
    rejectsLoad(m.toBuilder().clearIrVersion().build().toByteArray(), "ir_version is missing",
        "supported IR versions are 3 to 11");
    rejectsLoad(m.toBuilder().setIrVersion(0).build().toByteArray(), "ir_version 0 is not"
        + " supported; supported IR versions are 3 to 11");
    rejectsLoad(m.toBuilder().setIrVersion(12).build().toByteArray(), "ir_version 12 is not"
        + " supported; supported IR versions are 3 to 11");
  }

  @Test
  @DisplayName("M8 no default-domain opset_import; opset 99; opset below the minimum")
  void m08_opsetImport() {
    ModelProto m = conv().toProto();
    OperatorSetIdProto ms = OperatorSetIdProto.newBuilder().setDomain("com.microsoft")
        .setVersion(1).build();
    rejectsLoad(m.toBuilder().clearOpsetImport().addOpsetImport(ms).build().toByteArray(),
        "opset_import has no entry for the default ONNX domain (\"\" or \"ai.onnx\");"
        + " found [com.microsoft 1]");
    rejectsLoad(m.toBuilder().clearOpsetImport().build().toByteArray(),
        "opset_import has no entry for the default ONNX domain", "found []");
    rejectsLoad(m.toBuilder().setOpsetImport(0, OperatorSetIdProto.newBuilder().setVersion(99))
        .build().toByteArray(), "default-domain opset 99 is not supported; supported opsets"
        + " are 6 to 21", "opset_import domain \"\" version 99");
    rejectsLoad(m.toBuilder().setOpsetImport(0, OperatorSetIdProto.newBuilder()
        .setDomain("ai.onnx").setVersion(5)).build().toByteArray(),
        "default-domain opset 5 is not supported", "opset_import domain \"ai.onnx\" version 5");
  }

  @Test
  @DisplayName("M9 unknown op, contrib op, empty op_type, If/Loop/Scan, local function")
  void m09_unsupportedOperators() {
    byte[] unknown = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .node("foo1", "FooBar", new String[] {"x"}, new String[] {"y"}).toBytes();
    OnnxLoader.load(unknown, null); // the loader keeps it; the compiler's allow-list rejects it
    rejectsCompile(unknown, "cannot compile model (opset 13): 1 node(s) use ops that are not"
        + " supported", "node 'foo1' (FooBar), domain ai.onnx, opset 13", "supported: [");
    ModelProto c = conv().toProto();
    byte[] contrib = editGraph(c, g -> g.getNodeBuilder(0).setDomain("com.microsoft")
        .setOpType("FusedConv"));
    rejectsCompile(contrib, "other than the default ONNX domain (opset 13) are not supported:"
        + " 'conv1' (FusedConv, domain com.microsoft)");
    byte[] empty = editGraph(c, g -> g.getNodeBuilder(0).setOpType(""));
    rejectsLoad(empty, "node 0 'conv1' has an empty op_type (opset 13)");
    GraphProto body = GraphProto.newBuilder().setName("body").build();
    for (String[] cf : new String[][] {{"If", "then_branch"}, {"Loop", "body"},
        {"Scan", "body"}}) {
      byte[] flow = editGraph(c, g -> g.getNodeBuilder(0).setOpType(cf[0]).setName("cf1")
          .addAttribute(AttributeProto.newBuilder().setName(cf[1])
              .setType(AttributeProto.AttributeType.GRAPH).setG(body)));
      rejectsCompile(flow, cf[0] + " node 'cf1' (opset 13)", "attribute '" + cf[1] + "' has"
          + " type GRAPH", "control flow such as If, Loop and Scan is not supported");
    }
    byte[] callsFunction = withFunctions(proto(editGraph(c, g -> g.getNodeBuilder(0)
        .setDomain("my.functions").setOpType("MyConv"))), function("MyConv", "my.functions"));
    rejectsCompile(callsFunction, "MyConv node 'conv1' (opset 13)", "calls local function"
        + " 'my.functions.MyConv' (ModelProto.functions); local functions are not supported");
  }

  // --- M10 to M13: graph structure ---

  @Test
  @DisplayName("M10 node input names an undefined tensor; nodes not in topological order")
  void m10_undefinedInputAndNodeOrder() {
    byte[] dangling = conv().node("relu1", "Relu", new String[] {"ghost"},
        new String[] {"r"}).toBytes();
    rejectsLoad(dangling, "cannot load Relu node 'relu1' (opset 13)", "input 0 'ghost' is not"
        + " produced by any node, and is not an initializer or a graph input");
    byte[] reversed = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .node("relu2", "Relu", new String[] {"a"}, new String[] {"y"})
        .node("relu1", "Relu", new String[] {"x"}, new String[] {"a"}).toBytes();
    Graph g = OnnxLoader.load(reversed, null);
    assertEquals(List.of("relu1", "relu2"), g.nodes().stream().map(Node::name).toList());
    ConvModel.load(reversed, null);
  }

  @Test
  @DisplayName("M11 cycle; two nodes writing one output (SSA); recursive local function")
  void m11_cycleSsaAndRecursiveFunction() {
    OnnxModelBuilder cyc = new OnnxModelBuilder(13).input("x", 4).output("d");
    cyc.node("n1", "Add", new String[] {"x", "c"}, new String[] {"a"});
    cyc.node("n2", "Relu", new String[] {"a"}, new String[] {"b"});
    cyc.node("n3", "Relu", new String[] {"b"}, new String[] {"c"});
    cyc.node("after", "Relu", new String[] {"b"}, new String[] {"d"});
    rejectsLoad(cyc.toBytes(), "the graph has a cycle through 3 nodes: 'n1' (Add), 'n2'"
        + " (Relu), 'n3' (Relu)");
    OnnxModelBuilder big = new OnnxModelBuilder(13).input("x", 4).output("v0");
    for (int i = 0; i < 50_000; i++) { // a 50,000-node cycle: iterative, no StackOverflowError
      big.node("n" + i, "Relu", new String[] {"v" + ((i + 1) % 50_000)},
          new String[] {"v" + i});
    }
    rejects(() -> OnnxLoader.load(big.toBytes(), null, LoaderLimits.DEFAULT.withMaxNodes(
        100_000)), "the graph has a cycle through 50000 nodes", "...");
    byte[] ssa = conv().node("again", "Relu", new String[] {"x"}, new String[] {"y"}).toBytes();
    rejectsLoad(ssa, "Relu node 'again' (opset 13)", "output 'y' is also produced by Conv node"
        + " 'conv1'; every value must have one producer");
    NodeProto self = NodeProto.newBuilder().setName("inner").setOpType("F").setDomain("local")
        .addInput("a").addOutput("b").build();
    byte[] recursive = withFunctions(proto(editGraph(conv().toProto(), g -> g.getNodeBuilder(0)
        .setDomain("local").setOpType("F"))), function("F", "local", self));
    rejectsLoad(recursive, "F node 'conv1' (opset 13)", "calls local function 'local.F'");
  }

  @Test
  @DisplayName("M12 graph output not produced by any node; zero graph outputs")
  void m12_graphOutputs() {
    rejectsLoad(conv().output("z").toBytes(), "graph output 'z' is not produced by any node");
    rejectsLoad(editGraph(conv().toProto(), GraphProto.Builder::clearOutput),
        "the graph has no outputs");
  }

  @Test
  @DisplayName("M13 duplicate initializer names; empty name; a name shadowing another value")
  void m13_initializerNames() {
    rejectsLoad(conv().initializer("w", new long[] {1}, new float[] {1}).toBytes(),
        "initializer 'w' is defined twice; names must be unique");
    rejectsLoad(conv().initializer("", new long[] {1}, new float[] {1}).toBytes(),
        "an initializer has an empty name");
    byte[] shadowedByNode = conv().initializer("r", new long[] {1}, new float[] {1})
        .node("relu1", "Relu", new String[] {"y"}, new String[] {"r"}).toBytes();
    rejectsLoad(shadowedByNode, "Relu node 'relu1' (opset 13)", "output 'r' has the same name"
        + " as an initializer or graph input");
    byte[] shadowedByConstant = conv().node("k", "Constant", new String[0],
        new String[] {"w"}, Attribute.ofTensor("value", Tensor.scalarFloat(1))).toBytes();
    rejectsLoad(shadowedByConstant, "Constant node 'k' (opset 13)", "output 'w' has the same"
        + " name as an initializer");
  }

  // --- M14 to M19: tensors ---

  static TensorProto.Builder tensor(String name, int dataType, long... dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dataType);
    for (long d : dims) {
      t.addDims(d);
    }
    return t;
  }

  @Test
  @DisplayName("M14 data_type UNDEFINED (0) or unknown (99)")
  void m14_undefinedOrUnknownDataType() {
    rejectsLoad(conv().initializer(tensor("u", 0, 1).setRawData(ByteString.copyFrom(
        new byte[4])).build()).toBytes(), "initializer 'u'", "element type UNDEFINED is not"
        + " supported; supported types are FLOAT");
    rejectsLoad(conv().initializer(tensor("u", 99, 1).setRawData(ByteString.copyFrom(
        new byte[4])).build()).toBytes(), "initializer 'u'", "element type unknown type 99 is"
        + " not supported");
    byte[] input = editGraph(conv().toProto(), g -> g.getInputBuilder(0).getTypeBuilder()
        .getTensorTypeBuilder().setElemType(0));
    rejectsLoad(input, "graph input 'x' has element type UNDEFINED");
  }

  @Test
  @DisplayName("M15 raw_data and float_data both; no data for nelem > 0; data for nelem = 0")
  void m15_oneAndOnlyOneValueField() {
    rejectsLoad(conv().initializer(tensor("t", 1, 2).setRawData(ByteString.copyFrom(
        new byte[8])).addFloatData(1).addFloatData(2).build()).toBytes(), "initializer 't'",
        "data in raw_data and float_data; a tensor must have one and only one value field");
    rejectsLoad(conv().initializer(tensor("t", 1, 2, 3).build()).toBytes(), "initializer 't'",
        "no data for FLOAT [2, 3] (6 elements)");
    rejectsLoad(conv().initializer(tensor("t", 1, 0).addFloatData(1).build()).toBytes(),
        "initializer 't'", "float_data has 1 values, but FLOAT [0] needs exactly 0");
    rejectsLoad(conv().initializer(tensor("t", 1, 0).setRawData(ByteString.copyFrom(
        new byte[4])).build()).toBytes(), "initializer 't'", "raw_data has 4 bytes, but FLOAT"
        + " [0] needs exactly 0 x 4 = 0 bytes");
    Graph ok = OnnxLoader.load(conv().initializer(tensor("t", 1, 0).build()).toBytes(), null);
    assertEquals(0, ok.constant("t").size()); // an empty tensor with no data is valid
  }

  @Test
  @DisplayName("M16 raw_data shorter (FLOAT[1000000] with 4 bytes) or longer (INT64[1] with 4096)")
  void m16_rawDataShorterOrLongerThanDeclared() {
    rejectsLoad(conv().initializer(tensor("s", 1, 1_000_000).setRawData(ByteString.copyFrom(
        new byte[4])).build()).toBytes(), "initializer 's'", "raw_data has 4 bytes, but FLOAT"
        + " [1000000] needs exactly 1000000 x 4 = 4000000 bytes");
    rejectsLoad(conv().initializer(tensor("l", 7, 1).setRawData(ByteString.copyFrom(
        new byte[4096])).build()).toBytes(), "initializer 'l'", "raw_data has 4096 bytes, but"
        + " INT64 [1] needs exactly 1 x 8 = 8 bytes");
    rejectsLoad(conv().initializer(tensor("i", 7, 3).addInt64Data(1).build()).toBytes(),
        "initializer 'i'", "int64_data has 1 values, but INT64 [3] needs exactly 3");
    // 2^28 floats (1 GiB) declared with 4 bytes: rejected by arithmetic, nothing allocated.
    rejectsLoad(conv().initializer(tensor("h", 1, 1 << 28).setRawData(ByteString.copyFrom(
        new byte[4])).build()).toBytes(), "initializer 'h'", "FLOAT [268435456] needs"
        + " 1073741824 bytes", "(LoaderLimits.maxWeightBytes)");
  }

  @Test
  @DisplayName("M17 negative dimension (-1) in an initializer")
  void m17_negativeDimension() {
    rejectsLoad(conv().initializer(tensor("n", 1, -1).setRawData(ByteString.copyFrom(
        new byte[4])).build()).toBytes(), "initializer 'n'", "dims [-1] have negative"
        + " dimension -1 at index 0; tensor dimensions must be zero or positive");
    rejectsLoad(conv().initializer(tensor("n", 1, 4, Long.MIN_VALUE).build()).toBytes(),
        "initializer 'n'", "negative dimension -9223372036854775808 at index 1");
    byte[] input = editGraph(conv().toProto(), g -> g.getInputBuilder(0).getTypeBuilder()
        .getTensorTypeBuilder().getShapeBuilder().getDimBuilder(2).setDimValue(-8));
    rejectsLoad(input, "graph input 'x' has dimension 2 = -8");
  }

  @Test
  @DisplayName("M18 dims product overflows int64 ([2^62, 2^62]) or exceeds 2^31-1 elements")
  void m18_dimensionOverflow() {
    rejectsLoad(conv().initializer(tensor("o", 1, 1L << 62, 1L << 62).setRawData(
        ByteString.copyFrom(new byte[4])).build()).toBytes(), "initializer 'o'", "dims"
        + " [4611686018427387904, 4611686018427387904] overflow", "dimension overflow");
    rejectsLoad(conv().initializer(tensor("o", 1, 1L << 62, 1L << 62, 0).build()).toBytes(),
        "initializer 'o'", "dimension overflow");
    rejectsLoad(conv().initializer(tensor("e", 1, 1 << 16, 1 << 16).setRawData(
        ByteString.copyFrom(new byte[4])).build()).toBytes(), "initializer 'e'",
        "FLOAT [65536, 65536] has 4294967296 elements, more than the limit of 2147483639"
        + " (LoaderLimits.maxTensorElements)");
  }

  @Test
  @DisplayName("M19 zero-size dim: empty Resize roi (accepted) vs Conv weight with a 0 dim")
  void m19_zeroSizeDimensions() {
    byte[] resize = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .initializer("roi", new long[] {0}, new float[0])
        .initializer("scales", new long[] {4}, new float[] {1, 1, 2, 2})
        .node("resize1", "Resize", new String[] {"x", "roi", "scales"}, new String[] {"y"})
        .toBytes();
    Graph g = OnnxLoader.load(resize, null);
    assertArrayEquals(new long[] {0}, g.constant("roi").dims()); // empty tensors are valid
    // The compiler then rejects Resize itself (no kernel), not the empty roi.
    ModelException e = rejectsCompile(resize, "node 'resize1' (Resize)");
    assertFalse(e.getMessage().contains("roi"), e.getMessage());
    rejectsCompile(convWith(3, new long[] {0, 3, 3, 3}), "Conv node 'conv1' (opset 13)",
        "output channels 0, must be in [1, 2^31)");
    rejectsCompile(convWith(3, new long[] {4, 3, 0, 3}), "Conv node 'conv1' (opset 13)",
        "kernel height 0, must be in [1, 2^31)");
    rejectsCompile(convWith(3, new long[] {4, 0, 3, 3}), "Conv node 'conv1' (opset 13)",
        "input has 3 channels but weights 4x0x3x3");
  }

  // --- M20 to M22: operator attributes and shapes ---

  @Test
  @DisplayName("M20 Conv attributes: kernel, strides, dilations, pads, auto_pad, rank, group")
  void m20_convAttributes() {
    long[] w = {4, 3, 3, 3};
    String at = "node 'conv1' (Conv), opset 13";
    rejectsCompile(convWith(3, w, Attribute.ofInts("kernel_shape", 3, 0)), at,
        "kernel_shape [3, 0], values must be positive");
    rejectsCompile(convWith(3, w, Attribute.ofInts("kernel_shape", -3, 3)), at,
        "kernel_shape [-3, 3], values must be positive");
    rejectsCompile(convWith(3, w, Attribute.ofInts("strides", 0, 1)), at,
        "strides [0, 1], values must be positive");
    rejectsCompile(convWith(3, w, Attribute.ofInts("dilations", 1, 0)), at,
        "dilations [1, 0], values must be positive");
    rejectsCompile(convWith(3, w, Attribute.ofInts("pads", 1, -1, 1, 1)), at,
        "pads [1, -1, 1, 1], values must be in [0, 2^20]");
    rejectsCompile(convWith(3, w, Attribute.ofInts("pads", 1, 1, 1)), at,
        "pads has 3 values, expected 4");
    rejectsCompile(convWith(3, w, Attribute.ofInts("pads", 1, 1, 1, 1),
        Attribute.ofString("auto_pad", "SAME_UPPER")), at, "pads [1, 1, 1, 1] together with"
        + " auto_pad SAME_UPPER; explicit pads are only allowed with auto_pad NOTSET");
    rejectsCompile(convWith(3, w, Attribute.ofInts("kernel_shape", 3, 3, 3)), at,
        "attribute kernel_shape has 3 values, expected 2");
    rejectsCompile(convWith(3, new long[] {4, 3, 3, 3, 3}), "Conv node 'conv1' (opset 13)",
        "weights has shape 4x3x3x3x3 (rank 5), rank 4 is required");
    rejectsCompile(convWith(3, w, Attribute.ofInt("group", 0)), "Conv node 'conv1' (opset 13)",
        "group 0, must be in [1, 2^31)");
    rejectsCompile(convWith(3, w, Attribute.ofInt("group", -1)), "Conv node 'conv1' (opset 13)",
        "group -1, must be in [1, 2^31)");
    rejectsCompile(convWith(4, new long[] {3, 2, 3, 3}, Attribute.ofInt("group", 2)),
        "Conv node 'conv1' (opset 13)", "groups 2 must divide input channels 4 and output"
        + " channels 3");
    rejectsCompile(convWith(3, new long[] {4, 1, 3, 3}, Attribute.ofInt("group", 2)),
        "Conv node 'conv1' (opset 13)", "input has 3 channels but weights 4x1x3x3 with group 2"
        + " expect 2, they must agree");
    rejectsCompile(convWith(3, w, Attribute.ofString("auto_pad", "BOGUS")), at,
        "auto_pad 'BOGUS', expected one of [NOTSET, VALID, SAME_UPPER, SAME_LOWER]");
    ConvModel.load(convWith(3, w, Attribute.ofInts("pads", 0, 0, 0, 0),
        Attribute.ofString("auto_pad", "VALID")), null); // all-zero pads with auto_pad: fine
  }

  @Test
  @DisplayName("M21 output spatial dim <= 0 (kernel larger than the padded input)")
  void m21_outputSpatialDimNotPositive() {
    rejectsCompile(convWith(3, new long[] {4, 3, 9, 9}), "cannot plan Conv node 'conv1' (opset"
        + " 13)", "dilated kernel 9x9 is larger than the padded input 8x8", "input 1x3x8x8",
        "weights 4x3x9x9", "strides [1, 1]", "pads [0, 0, 0, 0]", "dilations [1, 1]");
    rejectsCompile(convWith(3, new long[] {4, 3, 3, 3}, Attribute.ofInts("dilations", 5, 5)),
        "cannot plan Conv node 'conv1' (opset 13)", "dilated kernel 11x11 is larger than the"
        + " padded input 8x8");
    byte[] dynamic = new OnnxModelBuilder(13).input("x", 1, 3, -1, -1).output("y")
        .initializer("w", new long[] {4, 3, 5, 5}, OnnxModelBuilder.random(1, 300))
        .node("conv1", "Conv", new String[] {"x", "w"}, new String[] {"y"}).toBytes();
    ConvModel.load(dynamic, new int[] {8, 8});
    rejectsCompile(dynamic, new int[] {4, 4}, "cannot plan Conv node 'conv1' (opset 13)",
        "larger than the padded input 4x4", "input 1x3x4x4");
    byte[] pool = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .node("pool1", "MaxPool", new String[] {"x"}, new String[] {"y"},
            Attribute.ofInts("kernel_shape", 9, 9)).toBytes();
    rejectsCompile(pool, "cannot plan MaxPool node 'pool1' (opset 13)", "9");
  }

  @Test
  @DisplayName("M22 initializer shape inconsistent with prepack (Gemm/MatMul KxN; 8-byte model)")
  void m22_weightShapeVersusPrepack() {
    OnnxModelBuilder base = new OnnxModelBuilder(13).input("x", 1, 8).output("y");
    byte[] gemm = base.initializer("b", new long[] {5, 3}, OnnxModelBuilder.random(4, 15))
        .node("fc1", "Gemm", new String[] {"x", "b"}, new String[] {"y"}).toBytes();
    rejectsCompile(gemm, "cannot plan Gemm node 'fc1' (opset 13)", "B 5x3 does not match A"
        + " 1x8, inner dimensions must agree");
    byte[] gemmT = new OnnxModelBuilder(13).input("x", 1, 8).output("y")
        .initializer("b", new long[] {3, 5}, OnnxModelBuilder.random(4, 15))
        .node("fc1", "Gemm", new String[] {"x", "b"}, new String[] {"y"},
            Attribute.ofInt("transB", 1)).toBytes();
    rejectsCompile(gemmT, "Gemm node 'fc1' (opset 13)", "B 3x5 (transposed) does not match A"
        + " 1x8");
    byte[] matmul = new OnnxModelBuilder(13).input("x", 1, 8).output("y")
        .initializer("b", new long[] {5, 3}, OnnxModelBuilder.random(4, 15))
        .node("mm1", "MatMul", new String[] {"x", "b"}, new String[] {"y"}).toBytes();
    rejectsCompile(matmul, "node 'mm1'", "opset 13", "5x3", "1x8");
    byte[] oneD = new OnnxModelBuilder(13).input("x", 1, 8).output("y")
        .initializer("b", new long[] {8}, OnnxModelBuilder.random(4, 8))
        .node("fc1", "Gemm", new String[] {"x", "b"}, new String[] {"y"}).toBytes();
    rejectsCompile(oneD, "Gemm node 'fc1' (opset 13)", "B must be a 2-D float constant");
    // The ORT PR #27721 shape: weight dims claim far more than the 8 bytes present.
    byte[] crafted = new OnnxModelBuilder(13).input("x", 1, 8).output("y")
        .initializer(tensor("b", 1, 8, 1L << 40).setRawData(ByteString.copyFrom(new byte[8]))
            .build())
        .node("fc1", "Gemm", new String[] {"x", "b"}, new String[] {"y"}).toBytes();
    rejectsCompile(crafted, "initializer 'b'", "FLOAT [8, 1099511627776] has 8796093022208"
        + " elements, more than the limit");
    byte[] convBytes = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .initializer(tensor("w", 1, 4, 3, 3, 3).setRawData(ByteString.copyFrom(new byte[8]))
            .build())
        .node("conv1", "Conv", new String[] {"x", "w"}, new String[] {"y"}).toBytes();
    rejectsCompile(convBytes, "initializer 'w'", "raw_data has 8 bytes, but FLOAT [4, 3, 3, 3]"
        + " needs exactly 108 x 4 = 432 bytes");
  }

  // --- M23 to M28: values, budgets, types ---

  /** x[1,4,8,8] -> BatchNormalization 'bn1' (scale, bias, mean, var) -> y, after Conv if asked. */
  static byte[] batchNorm(boolean afterConv, float[] scale, float[] var, float eps) {
    OnnxModelBuilder b = new OnnxModelBuilder(13).input("x", 1, 4, 8, 8).output("y")
        .initializer("scale", new long[] {4}, scale)
        .initializer("bias", new long[] {4}, new float[4])
        .initializer("mean", new long[] {4}, new float[4])
        .initializer("var", new long[] {4}, var);
    String in = "x";
    if (afterConv) {
      b.initializer("w", new long[] {4, 4, 1, 1}, OnnxModelBuilder.random(5, 16))
          .node("conv1", "Conv", new String[] {"x", "w"}, new String[] {"c"});
      in = "c";
    }
    return b.node("bn1", "BatchNormalization", new String[] {in, "scale", "bias", "mean",
        "var"}, new String[] {"y"}, Attribute.ofFloat("epsilon", eps)).toBytes();
  }

  @Test
  @DisplayName("M23 BatchNorm with var + eps <= 0; NaN/Inf in weights or BN params")
  void m23_batchNormVarianceAndNonFiniteWeights() {
    float[] ones = {1, 1, 1, 1};
    for (boolean afterConv : new boolean[] {false, true}) {
      rejectsCompile(batchNorm(afterConv, ones, new float[] {1, -1, 1, 1}, 1e-5f),
          "BatchNormalization node 'bn1' (opset 13)", "input 4 'var'", "var[1] + epsilon ="
          + " -1.0 + 1.0E-5 <= 0", "must be positive");
      rejectsCompile(batchNorm(afterConv, ones, new float[] {1, 1, 0, 1}, 0f),
          "BatchNormalization node 'bn1' (opset 13)", "var[2] + epsilon = 0.0 + 0.0 <= 0");
      rejectsCompile(batchNorm(afterConv, new float[] {1, Float.POSITIVE_INFINITY, 1, 1}, ones,
          1e-5f), "BatchNormalization node 'bn1' (opset 13)", "input 1 'scale'",
          "Infinity at index 1", "must be finite");
      rejectsCompile(batchNorm(afterConv, ones, new float[] {1, 1, 1, Float.NaN}, 1e-5f),
          "BatchNormalization node 'bn1' (opset 13)", "input 4 'var'", "NaN at index 3");
      ConvModel.load(batchNorm(afterConv, ones, ones, 1e-5f), null);
    }
    float[] w = OnnxModelBuilder.random(1, 108);
    w[17] = Float.NaN;
    byte[] nanConv = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .initializer("w", new long[] {4, 3, 3, 3}, w)
        .node("conv1", "Conv", new String[] {"x", "w"}, new String[] {"y"}).toBytes();
    rejectsCompile(nanConv, "Conv node 'conv1' (opset 13)", "input 1 'w' (4x3x3x3) has NaN at"
        + " index 17; weights must be finite");
    byte[] infGemm = new OnnxModelBuilder(13).input("x", 1, 2).output("y")
        .initializer("b", new long[] {2, 2}, new float[] {1, Float.NEGATIVE_INFINITY, 1, 1})
        .node("fc1", "Gemm", new String[] {"x", "b"}, new String[] {"y"}).toBytes();
    rejectsCompile(infGemm, "Gemm node 'fc1' (opset 13)", "input 1 'b' (2x2) has -Infinity at"
        + " index 1");
    // Finite parameters whose folded product overflows float are caught after fusion too.
    rejectsCompile(batchNorm(true, new float[] {3e38f, 1, 1, 1}, new float[] {1e-30f, 1, 1, 1},
        0f), "Conv node 'conv1' (opset 13)", "Infinity", "must be finite");
  }

  @Test
  @DisplayName("M24 initializer also listed in graph.input (IR >= 4): treated as constant")
  void m24_initializerListedAsGraphInput() {
    // Choice: like IR 3 models, the initializer is a constant (so it folds into the Conv) and
    // the loader logs a warning naming it; the only graph input is the image. Overriding
    // weights at run time is not supported.
    byte[] m = editGraph(conv().toProto(), g -> g.addInput(g.getInput(0).toBuilder()
        .setName("w")));
    try (Warnings warnings = new Warnings("io.convspark.onnx.GraphConverter")) {
      Graph g = OnnxLoader.load(m, null);
      assertEquals(List.of("x"), List.copyOf(g.inputs().keySet()));
      assertTrue(g.isConstant("w"));
      assertTrue(warnings.messages.stream().anyMatch(s -> s.contains("initializer 'w' is also"
          + " listed in graph.input; it is treated as a constant")), warnings.messages::toString);
    }
    assertEquals(1, ConvModel.load(m, null).compiled().graph().inputs().size());
  }

  @Test
  @DisplayName("M25 ConstantOfShape/Expand/Tile whose folded result is huge")
  void m25_hugeFoldedConstants() {
    String limit = "more than the limit of 16777216 (CompileLimits.maxFoldedElements)";
    byte[] cos = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .initializerLongs("shape", new long[] {2}, new long[] {1 << 20, 1 << 20})
        .node("cos1", "ConstantOfShape", new String[] {"shape"}, new String[] {"big"})
        .node("add1", "Add", new String[] {"x", "big"}, new String[] {"y"}).toBytes();
    rejectsCompile(cos, "ConstantOfShape node 'cos1' (opset 13)", "folding would create"
        + " 1099511627776 elements (shape [1048576, 1048576])", limit);
    byte[] expand = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .initializer("one", new long[] {1}, new float[] {1})
        .initializerLongs("shape", new long[] {3}, new long[] {1 << 15, 1 << 15, 1 << 15})
        .node("exp1", "Expand", new String[] {"one", "shape"}, new String[] {"big"})
        .node("add1", "Add", new String[] {"x", "big"}, new String[] {"y"}).toBytes();
    rejectsCompile(expand, "Expand node 'exp1' (opset 13)", "folding would create"
        + " 35184372088832 elements", limit);
    byte[] tile = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .initializer("one", new long[] {1, 1}, new float[] {1})
        .initializerLongs("reps", new long[] {2}, new long[] {Long.MAX_VALUE, 3})
        .node("tile1", "Tile", new String[] {"one", "reps"}, new String[] {"big"})
        .node("add1", "Add", new String[] {"x", "big"}, new String[] {"y"}).toBytes();
    rejectsCompile(tile, "Tile node 'tile1' (opset 13)", "folding would create more than"
        + " 2^63 - 1 elements", "(CompileLimits.maxFoldedElements)");
    byte[] broadcast = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .initializer("col", new long[] {1 << 18, 1, 1, 1}, new float[1 << 18])
        .initializer("row", new long[] {1, 3, 8, 8}, new float[192])
        .node("mul1", "Mul", new String[] {"col", "row"}, new String[] {"big"})
        .node("add1", "Add", new String[] {"x", "big"}, new String[] {"y"}).toBytes();
    rejectsCompile(broadcast, "Mul node 'mul1' (opset 13)", "folding would create 50331648"
        + " elements (shape [262144, 3, 8, 8])", limit);
    // Small Tile and Expand fold, and the limit is configuration.
    byte[] small = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
        .initializer("one", new long[] {1, 1, 1, 1}, new float[] {2})
        .initializerLongs("reps", new long[] {4}, new long[] {1, 3, 1, 1})
        .initializerLongs("shape", new long[] {4}, new long[] {1, 3, 1, 1})
        .node("tile1", "Tile", new String[] {"one", "reps"}, new String[] {"t"})
        .node("exp1", "Expand", new String[] {"t", "shape"}, new String[] {"e"})
        .node("mul1", "Mul", new String[] {"x", "e"}, new String[] {"y"}).toBytes();
    ConvModel.load(small, null);
    rejects(() -> ConvModel.load(small, null, CompileLimits.DEFAULT.withMaxFoldedElements(2)),
        "Tile node 'tile1' (opset 13)", "folding would create 3 elements (shape [1, 3, 1, 1]),"
        + " more than the limit of 2 (CompileLimits.maxFoldedElements)");
  }

  @Test
  @DisplayName("M26 total weights larger than the memory budget")
  void m26_totalWeightsOverBudget() throws IOException {
    byte[] m = conv().initializer("w2", new long[] {100}, new float[100]).toBytes();
    LoaderLimits small = LoaderLimits.DEFAULT.withMaxWeightBytes(500);
    rejects(() -> OnnxLoader.load(m, null, small), "initializer 'w2'", "FLOAT [100] needs 400"
        + " bytes, which brings the model's weights to 832 bytes, more than the limit of 500"
        + " (LoaderLimits.maxWeightBytes)");
    Path file = Files.write(tmp.resolve("m.onnx"), m);
    rejects(() -> ConvModel.load(file, null, small, CompileLimits.DEFAULT), "initializer 'w2'",
        "more than the limit of 500 (LoaderLimits.maxWeightBytes)");
    ConvModel.load(file, null, LoaderLimits.DEFAULT.withMaxWeightBytes(832),
        CompileLimits.DEFAULT); // exactly at the limit fits
    throwsWith(() -> LoaderLimits.DEFAULT.withMaxModelBytes(1L << 31),
        IllegalArgumentException.class,
        "cannot use maxModelBytes 2147483648");
  }

  static void throwsWith(Executable e, Class<? extends Throwable> type, String part) {
    Throwable t = assertThrows(type, e);
    assertTrue(t.getMessage().contains(part), t.getMessage());
  }

  @Test
  @DisplayName("M27 input declares C=3 where the Conv expects 4; symbolic H/W with no size")
  void m27_declaredVersusInferredInputShape() {
    rejectsCompile(convWith(3, new long[] {4, 4, 3, 3}), "Conv node 'conv1' (opset 13)",
        "input has 3 channels but weights 4x4x3x3 with group 1 expect 4, they must agree",
        "input 'x' 1x3x8x8", "weights 'w' 4x4x3x3");
    byte[] dynamic = new OnnxModelBuilder(13).input("image", 1, 3, -1, -1).output("y")
        .initializer("w", new long[] {4, 3, 3, 3}, OnnxModelBuilder.random(1, 108))
        .node("conv1", "Conv", new String[] {"image", "w"}, new String[] {"y"}).toBytes();
    rejectsCompile(dynamic, "input 'image' has dynamic dimensions 1x3x?x?; give the input"
        + " height and width");
    ConvModel.load(dynamic, new int[] {8, 8});
  }

  @Test
  @DisplayName("M28 STRING/complex/int4/fp16 initializers; STRING in raw_data")
  void m28_elementTypes() {
    String[][] rejected = {{"8", "STRING"}, {"14", "COMPLEX64"}, {"15", "COMPLEX128"},
        {"22", "INT4"}, {"21", "UINT4"}, {"10", "FLOAT16"}, {"16", "BFLOAT16"}, {"11", "DOUBLE"},
        {"17", "FLOAT8E4M3FN"}, {"4", "UINT16"}};
    for (String[] r : rejected) {
      byte[] m = conv().initializer(tensor("t", Integer.parseInt(r[0]), 2)
          .setRawData(ByteString.copyFrom(new byte[32])).build()).toBytes();
      rejectsLoad(m, "initializer 't'", "element type " + r[1] + " is not supported; supported"
          + " types are FLOAT, UINT8, INT8, INT32, INT64, BOOL");
    }
    rejectsLoad(conv().initializer(tensor("s", 8, 1).addStringData(ByteString.copyFromUtf8(
        "hello")).build()).toBytes(), "initializer 's'", "element type STRING is not supported");
    // Supported types convert exactly, from raw_data and from the typed fields.
    byte[] ok = conv()
        .initializer(tensor("i8", 3, 3).setRawData(ByteString.copyFrom(new byte[] {-128, 0,
            127})).build())
        .initializer(tensor("u8", 2, 2).setRawData(ByteString.copyFrom(new byte[] {(byte) 255,
            1})).build())
        .initializer(tensor("bool", 9, 2).setRawData(ByteString.copyFrom(new byte[] {0, 7}))
            .build())
        .initializer(tensor("i32", 6, 2).addInt32Data(Integer.MIN_VALUE)
            .addInt32Data(Integer.MAX_VALUE).build())
        .initializer(tensor("i64", 7, 1).addInt64Data(Long.MIN_VALUE).build())
        .initializer(tensor("f", 1, 2).addFloatData(Float.MIN_VALUE).addFloatData(-0f).build())
        .toBytes();
    Graph g = OnnxLoader.load(ok, null);
    assertArrayEquals(new long[] {-128, 0, 127}, g.constant("i8").longs());
    assertArrayEquals(new long[] {255, 1}, g.constant("u8").longs());
    assertArrayEquals(new long[] {0, 1}, g.constant("bool").longs());
    assertArrayEquals(new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE},
        g.constant("i32").longs());
    assertArrayEquals(new long[] {Long.MIN_VALUE}, g.constant("i64").longs());
    assertArrayEquals(new float[] {Float.MIN_VALUE, -0f}, g.constant("f").floats());
    rejectsLoad(conv().initializer(tensor("i8", 3, 1).addInt32Data(300).build()).toBytes(),
        "initializer 'i8'", "value 300 at index 0 is outside the INT8 range -128 to 127");
  }
}
