package io.convspark.benchmarks.model;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes an ONNX ModelProto by hand (protobuf wire format), so the benchmark can generate
 * full-size models without the connector's shaded protobuf classes. Only what a CNN needs:
 * FLOAT initializers as raw_data, nodes with int/ints/float attributes, one input whose dims
 * may be symbolic (negative), untyped outputs.
 */
final class OnnxWriter {
  private final long opset;
  private final ByteArrayOutputStream graph = new ByteArrayOutputStream();

  OnnxWriter(long opset) {
    this.opset = opset;
    bytes(graph, 2, "benchmark".getBytes(StandardCharsets.UTF_8)); // GraphProto.name
  }

  /** GraphProto.input (11): a FLOAT tensor; a negative dim becomes the symbol "N". */
  OnnxWriter input(String name, long... dims) {
    ByteArrayOutputStream shape = new ByteArrayOutputStream();
    for (long d : dims) {
      ByteArrayOutputStream dim = new ByteArrayOutputStream();
      if (d < 0) {
        string(dim, 2, "N");
      } else {
        varintField(dim, 1, d);
      }
      bytes(shape, 1, dim.toByteArray());
    }
    ByteArrayOutputStream tensor = new ByteArrayOutputStream();
    varintField(tensor, 1, 1); // elem_type FLOAT
    bytes(tensor, 2, shape.toByteArray());
    ByteArrayOutputStream type = new ByteArrayOutputStream();
    bytes(type, 1, tensor.toByteArray());
    ByteArrayOutputStream vi = new ByteArrayOutputStream();
    string(vi, 1, name);
    bytes(vi, 2, type.toByteArray());
    bytes(graph, 11, vi.toByteArray());
    return this;
  }

  /** GraphProto.output (12) with no declared type. */
  OnnxWriter output(String name) {
    ByteArrayOutputStream vi = new ByteArrayOutputStream();
    string(vi, 1, name);
    bytes(graph, 12, vi.toByteArray());
    return this;
  }

  /** GraphProto.initializer (5): FLOAT data, little-endian raw_data. */
  OnnxWriter initializer(String name, long[] dims, float[] data) {
    ByteArrayOutputStream t = new ByteArrayOutputStream(data.length * 4 + 64);
    for (long d : dims) {
      varintField(t, 1, d);
    }
    varintField(t, 2, 1); // data_type FLOAT
    string(t, 8, name);
    ByteBuffer raw = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(data);
    bytes(t, 9, raw.array());
    bytes(graph, 5, t.toByteArray());
    return this;
  }

  /** GraphProto.node (1). */
  OnnxWriter node(String name, String op, String[] inputs, String[] outputs, Attr... attrs) {
    ByteArrayOutputStream n = new ByteArrayOutputStream();
    for (String i : inputs) {
      string(n, 1, i);
    }
    for (String o : outputs) {
      string(n, 2, o);
    }
    string(n, 3, name);
    string(n, 4, op);
    for (Attr a : attrs) {
      bytes(n, 5, a.encode());
    }
    bytes(graph, 1, n.toByteArray());
    return this;
  }

  byte[] toBytes() {
    ByteArrayOutputStream m = new ByteArrayOutputStream(graph.size() + 64);
    varintField(m, 1, 8); // ir_version 8 (ONNX 1.10+), accepts opset 13
    ByteArrayOutputStream opsetId = new ByteArrayOutputStream();
    string(opsetId, 1, "");
    varintField(opsetId, 2, opset);
    bytes(m, 8, opsetId.toByteArray());
    string(m, 2, "convspark-benchmarks"); // producer_name
    bytes(m, 7, graph.toByteArray());
    return m.toByteArray();
  }

  /** An AttributeProto: INT (type 2), INTS (7) or FLOAT (1). */
  record Attr(String name, int type, long[] ints, float f) {
    static Attr ints(String name, long... v) {
      return new Attr(name, 7, v, 0);
    }

    static Attr i(String name, long v) {
      return new Attr(name, 2, new long[] {v}, 0);
    }

    static Attr f(String name, float v) {
      return new Attr(name, 1, new long[0], v);
    }

    byte[] encode() {
      ByteArrayOutputStream a = new ByteArrayOutputStream();
      string(a, 1, name);
      if (type == 1) {
        tag(a, 2, 5);
        int bits = Float.floatToIntBits(f);
        for (int s = 0; s < 32; s += 8) {
          a.write(bits >>> s);
        }
      } else if (type == 2) {
        varintField(a, 3, ints[0]);
      } else {
        for (long v : ints) {
          varintField(a, 8, v);
        }
      }
      varintField(a, 20, type);
      return a.toByteArray();
    }
  }

  private static void tag(ByteArrayOutputStream o, int field, int wire) {
    varint(o, (long) field << 3 | wire);
  }

  private static void varint(ByteArrayOutputStream o, long v) {
    while ((v & ~0x7FL) != 0) {
      o.write((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    o.write((int) v);
  }

  private static void varintField(ByteArrayOutputStream o, int field, long v) {
    tag(o, field, 0);
    varint(o, v);
  }

  private static void bytes(ByteArrayOutputStream o, int field, byte[] b) {
    tag(o, field, 2);
    varint(o, b.length);
    o.writeBytes(b);
  }

  private static void string(ByteArrayOutputStream o, int field, String s) {
    bytes(o, field, s.getBytes(StandardCharsets.UTF_8));
  }
}
