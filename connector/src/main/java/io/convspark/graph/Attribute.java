package io.convspark.graph;

import java.util.Objects;

/** An ONNX node attribute: exactly one of the value fields is meaningful, by {@link #kind()}. */
public record Attribute(String name, Kind kind, long i, float f, String s, long[] ints,
    float[] floats, Tensor t) {

  /** The attribute kinds the compiler reads (AttributeProto.AttributeType). */
  public enum Kind { INT, FLOAT, STRING, INTS, FLOATS, TENSOR }

  public Attribute {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
  }

  public static Attribute ofInt(String name, long v) {
    return new Attribute(name, Kind.INT, v, 0f, null, null, null, null);
  }

  public static Attribute ofFloat(String name, float v) {
    return new Attribute(name, Kind.FLOAT, 0, v, null, null, null, null);
  }

  public static Attribute ofString(String name, String v) {
    return new Attribute(name, Kind.STRING, 0, 0f, v, null, null, null);
  }

  public static Attribute ofInts(String name, long... v) {
    return new Attribute(name, Kind.INTS, 0, 0f, null, v.clone(), null, null);
  }

  public static Attribute ofFloats(String name, float... v) {
    return new Attribute(name, Kind.FLOATS, 0, 0f, null, null, v.clone(), null);
  }

  public static Attribute ofTensor(String name, Tensor v) {
    return new Attribute(name, Kind.TENSOR, 0, 0f, null, null, null, v);
  }
}
