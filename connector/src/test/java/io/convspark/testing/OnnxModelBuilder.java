package io.convspark.testing;

import com.google.protobuf.ByteString;
import io.convspark.graph.Attribute;
import io.convspark.graph.DataType;
import io.convspark.graph.Tensor;
import io.convspark.onnx.proto.AttributeProto;
import io.convspark.onnx.proto.GraphProto;
import io.convspark.onnx.proto.ModelProto;
import io.convspark.onnx.proto.NodeProto;
import io.convspark.onnx.proto.OperatorSetIdProto;
import io.convspark.onnx.proto.TensorProto;
import io.convspark.onnx.proto.TensorShapeProto;
import io.convspark.onnx.proto.TypeProto;
import io.convspark.onnx.proto.ValueInfoProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Builds small ONNX models for tests. Inputs are FLOAT tensors; a -1 dim is symbolic
 * ("d0", "d1", ...). Node names default to "{op}_{index}".
 *
 * <pre>{@code
 * byte[] model = new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y")
 *     .initializer("w", new long[] {4, 3, 3, 3}, OnnxModelBuilder.random(7, 108))
 *     .node("Conv", new String[] {"x", "w"}, new String[] {"y"},
 *         Attribute.ofInts("pads", 1, 1, 1, 1))
 *     .toBytes();
 * }</pre>
 */
public final class OnnxModelBuilder {
  private final long opset;
  private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");
  private int symbols;

  public OnnxModelBuilder(long opset) {
    this.opset = opset;
  }

  public OnnxModelBuilder input(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("d" + symbols++)
          : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    graph.addInput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))));
    return this;
  }

  /** A graph output with no declared type. */
  public OnnxModelBuilder output(String name) {
    graph.addOutput(ValueInfoProto.newBuilder().setName(name));
    return this;
  }

  public OnnxModelBuilder initializer(String name, long[] dims, float[] data) {
    graph.addInitializer(tensor(Tensor.ofFloats(dims, data)).setName(name));
    return this;
  }

  public OnnxModelBuilder initializerLongs(String name, long[] dims, long[] data) {
    graph.addInitializer(tensor(Tensor.ofLongs(DataType.INT64, dims, data)).setName(name));
    return this;
  }

  /** Adds a raw initializer proto, e.g. one with external data or corrupt fields. */
  public OnnxModelBuilder initializer(TensorProto t) {
    graph.addInitializer(t);
    return this;
  }

  public OnnxModelBuilder node(String opType, String[] inputs, String[] outputs,
      Attribute... attrs) {
    return node(opType + "_" + graph.getNodeCount(), opType, inputs, outputs, attrs);
  }

  public OnnxModelBuilder node(String name, String opType, String[] inputs,
      String[] outputs, Attribute... attrs) {
    NodeProto.Builder n = NodeProto.newBuilder().setName(name).setOpType(opType);
    for (String s : inputs) {
      n.addInput(s);
    }
    for (String s : outputs) {
      n.addOutput(s);
    }
    for (Attribute a : attrs) {
      n.addAttribute(attribute(a));
    }
    graph.addNode(n);
    return this;
  }

  public ModelProto toProto() {
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("OnnxModelBuilder")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph).build();
  }

  public byte[] toBytes() {
    return toProto().toByteArray();
  }

  public Path writeTo(Path file) {
    try {
      return Files.write(file, toBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A TensorProto with raw little-endian data (FLOAT or INT64 only). */
  public static TensorProto.Builder tensor(Tensor t) {
    TensorProto.Builder b = TensorProto.newBuilder().setDataType(t.type().onnxCode());
    for (long d : t.dims()) {
      b.addDims(d);
    }
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) t.size()
        * (t.isFloat() ? 4 : 8)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    if (t.isFloat()) {
      buf.asFloatBuffer().put(t.floats());
    } else {
      buf.asLongBuffer().put(t.longs());
    }
    return b.setRawData(ByteString.copyFrom(buf.array()));
  }

  public static AttributeProto attribute(Attribute a) {
    AttributeProto.Builder b = AttributeProto.newBuilder().setName(a.name());
    switch (a.kind()) {
      case INT -> b.setType(AttributeProto.AttributeType.INT).setI(a.i());
      case FLOAT -> b.setType(AttributeProto.AttributeType.FLOAT).setF(a.f());
      case STRING -> b.setType(AttributeProto.AttributeType.STRING)
          .setS(ByteString.copyFromUtf8(a.s()));
      case INTS -> {
        b.setType(AttributeProto.AttributeType.INTS);
        for (long v : a.ints()) {
          b.addInts(v);
        }
      }
      case FLOATS -> {
        b.setType(AttributeProto.AttributeType.FLOATS);
        for (float v : a.floats()) {
          b.addFloats(v);
        }
      }
      default -> b.setType(AttributeProto.AttributeType.TENSOR).setT(tensor(a.t()));
    }
    return b.build();
  }

  /** Seeded uniform values in [-1, 1); print the seed in failure messages. */
  public static float[] random(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return f;
  }
}
