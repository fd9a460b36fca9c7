package io.convspark.onnx;

import io.convspark.ModelException;
import io.convspark.graph.Attribute;
import io.convspark.onnx.proto.AttributeProto;
import io.convspark.onnx.proto.AttributeProto.AttributeType;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * Converts AttributeProtos and checks their types: the kinds the compiler reads, and for the
 * attribute names whose type ONNX fixes across the CNN operators, that exact type.
 */
final class AttributeConverter {
  /** Attribute names with one type in every CNN operator that has them (ONNX opsets 9-21). */
  private static final Map<String, Attribute.Kind> EXPECTED = Map.ofEntries(
      Map.entry("kernel_shape", Attribute.Kind.INTS), Map.entry("strides", Attribute.Kind.INTS),
      Map.entry("pads", Attribute.Kind.INTS), Map.entry("dilations", Attribute.Kind.INTS),
      Map.entry("output_padding", Attribute.Kind.INTS), Map.entry("perm", Attribute.Kind.INTS),
      Map.entry("axes", Attribute.Kind.INTS), Map.entry("group", Attribute.Kind.INT),
      Map.entry("axis", Attribute.Kind.INT), Map.entry("keepdims", Attribute.Kind.INT),
      Map.entry("ceil_mode", Attribute.Kind.INT), Map.entry("transA", Attribute.Kind.INT),
      Map.entry("transB", Attribute.Kind.INT), Map.entry("count_include_pad",
          Attribute.Kind.INT), Map.entry("epsilon", Attribute.Kind.FLOAT),
      Map.entry("momentum", Attribute.Kind.FLOAT), Map.entry("alpha", Attribute.Kind.FLOAT),
      Map.entry("beta", Attribute.Kind.FLOAT), Map.entry("auto_pad", Attribute.Kind.STRING),
      Map.entry("mode", Attribute.Kind.STRING));

  private static final Map<AttributeType, Attribute.Kind> KINDS = new EnumMap<>(Map.of(
      AttributeType.INT, Attribute.Kind.INT, AttributeType.FLOAT, Attribute.Kind.FLOAT,
      AttributeType.STRING, Attribute.Kind.STRING, AttributeType.INTS, Attribute.Kind.INTS,
      AttributeType.FLOATS, Attribute.Kind.FLOATS, AttributeType.TENSOR, Attribute.Kind.TENSOR));

  private AttributeConverter() {}

  /**
   * @param node names the node in messages: "Conv node 'conv1' (opset 13)"
   * @param at message prefix naming the node and the model
   */
  static Attribute convert(AttributeProto a, TensorDecoder tensors, String node, String at) {
    String name = a.getName();
    if (name.isEmpty()) {
      throw new ModelException(at + "an attribute has an empty name");
    }
    String what = at + "attribute '" + name + "' ";
    if (!a.getRefAttrName().isEmpty()) {
      throw new ModelException(what + "refers to function attribute '" + a.getRefAttrName()
          + "'; attribute references are only valid inside functions");
    }
    Attribute.Kind kind = KINDS.get(a.getType());
    if (kind == null) {
      throw new ModelException(what + "has type " + a.getType() + "; supported attribute types"
          + " are " + KINDS.keySet() + (a.getType() == AttributeType.GRAPH
              ? " (control flow such as If, Loop and Scan is not supported)" : ""));
    }
    Attribute.Kind expected = EXPECTED.get(name);
    if (expected != null && expected != kind) {
      throw new ModelException(what + "has type " + kind + ", expected " + expected);
    }
    switch (kind) {
      case INT:
        return Attribute.ofInt(name, a.getI());
      case FLOAT:
        return Attribute.ofFloat(name, a.getF());
      case STRING:
        return Attribute.ofString(name, a.getS().toString(StandardCharsets.UTF_8));
      case INTS:
        long[] ints = new long[a.getIntsCount()];
        for (int i = 0; i < ints.length; i++) {
          ints[i] = a.getInts(i);
        }
        return Attribute.ofInts(name, ints);
      case FLOATS:
        float[] floats = new float[a.getFloatsCount()];
        for (int i = 0; i < floats.length; i++) {
          floats[i] = a.getFloats(i);
        }
        return Attribute.ofFloats(name, floats);
      default:
        if (!a.hasT()) {
          throw new ModelException(what + "has type TENSOR but no tensor value (field t)");
        }
        return Attribute.ofTensor(name, tensors.decode(a.getT(),
            "attribute '" + name + "' of " + node));
    }
  }
}
