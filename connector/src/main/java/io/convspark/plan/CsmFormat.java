package io.convspark.plan;

import io.convspark.ModelException;
import io.convspark.graph.Attribute;
import io.convspark.graph.DataType;
import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.Shape;
import io.convspark.graph.Tensor;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled-model file ({@code .csm}): magic "CSM1", a format version, then the frozen and
 * fused graph with its weights as raw little-endian float32 (integers as int64). Weights are
 * stored folded but not packed: each executor packs them once for its own vector width, so a
 * model compiled on an AVX-512 driver runs on AVX2 executors. Not Java serialization; every
 * count is checked against the bytes left before anything is allocated.
 */
public final class CsmFormat {
  private static final byte[] MAGIC = {'C', 'S', 'M', '1'};
  public static final int VERSION = 1;

  private CsmFormat() {}

  /** Bytes per chunk when converting tensors, a multiple of 8 (float and int64). */
  private static final int BLOCK = 1 << 20;

  /**
   * The whole model in one array.
   *
   * @throws ModelException if it is 2 GiB or more; use {@link #writeChunks(Graph, int)}
   */
  public static byte[] write(Graph g) {
    byte[][] chunks = writeChunks(g, Integer.MAX_VALUE - 8);
    if (chunks.length > 1) {
      throw new ModelException("cannot write compiled model '" + g.name() + "' as one array: it"
          + " is over " + (Integer.MAX_VALUE - 8) + " bytes; write it in chunks");
    }
    return chunks[0];
  }

  /** The model in chunks of {@code chunkBytes} (the last may be shorter): any size. */
  public static byte[][] writeChunks(Graph g, int chunkBytes) {
    ChunkedOutput bytes = new ChunkedOutput(chunkBytes);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(g.name() == null ? "" : g.name());
      out.writeLong(g.opset());
      out.writeInt(g.inputs().size());
      for (Map.Entry<String, Shape> e : g.inputs().entrySet()) {
        out.writeUTF(e.getKey());
        writeDims(out, e.getValue().dims());
      }
      out.writeInt(g.outputs().size());
      for (String o : g.outputs()) {
        out.writeUTF(o);
      }
      out.writeInt(g.constants().size());
      for (Map.Entry<String, Tensor> e : g.constants().entrySet()) {
        out.writeUTF(e.getKey());
        writeTensor(out, e.getValue());
      }
      out.writeInt(g.nodes().size());
      for (Node n : g.nodes()) {
        out.writeUTF(n.name());
        out.writeUTF(n.opType());
        out.writeUTF(n.domain());
        writeStrings(out, n.inputs());
        writeStrings(out, n.outputs());
        out.writeInt(n.attributes().size());
        for (Attribute a : n.attributes().values()) {
          writeAttribute(out, a);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.chunks();
  }

  public static Graph read(byte[] data) {
    return read(new byte[][] {data});
  }

  /** Reads what {@link #writeChunks} wrote, whatever the chunk size. */
  public static Graph read(byte[][] chunks) {
    Reader r = new Reader(chunks);
    try {
      for (byte b : MAGIC) {
        if (r.u8() != b) {
          throw new ModelException("cannot read compiled model: bad magic, this is not a .csm"
              + " file (expected CSM1)");
        }
      }
      int version = r.i32();
      if (version != VERSION) {
        throw new ModelException("cannot read compiled model: format version " + version
            + ", this build reads version " + VERSION + "; recompile the ONNX model");
      }
      Graph g = new Graph(r.utf(), r.i64());
      int inputs = r.count(3);
      for (int i = 0; i < inputs; i++) {
        String name = r.utf();
        g.inputs().put(name, Shape.of(r.dims()));
        g.shapes().put(name, g.inputs().get(name));
      }
      int outputs = r.count(2);
      for (int i = 0; i < outputs; i++) {
        g.outputs().add(r.utf());
      }
      int constants = r.count(8);
      for (int i = 0; i < constants; i++) {
        String name = r.utf();
        g.constants().put(name, r.tensor());
      }
      int nodes = r.count(10);
      for (int i = 0; i < nodes; i++) {
        String name = r.utf();
        String op = r.utf();
        String domain = r.utf();
        List<String> in = r.strings();
        List<String> out = r.strings();
        int attrs = r.count(3);
        Map<String, Attribute> map = new LinkedHashMap<>();
        for (int k = 0; k < attrs; k++) {
          Attribute a = r.attribute();
          map.put(a.name(), a);
        }
        g.nodes().add(new Node(name, op, domain, in, out, map));
      }
      if (r.remaining() != 0) {
        throw new ModelException("cannot read compiled model: " + r.remaining()
            + " trailing bytes after the last node");
      }
      return g;
    } catch (ModelException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelException("cannot read compiled model: corrupt at byte " + r.pos() + " ("
          + e + ")", e);
    }
  }

  private static void writeDims(DataOutputStream out, long[] dims) throws IOException {
    out.writeInt(dims.length);
    for (long d : dims) {
      out.writeLong(d);
    }
  }

  private static void writeStrings(DataOutputStream out, List<String> s) throws IOException {
    out.writeInt(s.size());
    for (String x : s) {
      out.writeUTF(x);
    }
  }

  private static void writeTensor(DataOutputStream out, Tensor t) throws IOException {
    out.writeByte(t.type().onnxCode());
    writeDims(out, t.dims());
    int n = (int) t.size();
    int width = t.isFloat() ? 4 : 8;
    ByteBuffer b = ByteBuffer.allocate(Math.min(BLOCK, Math.max(8, n * width)))
        .order(ByteOrder.LITTLE_ENDIAN);
    for (int done = 0; done < n; ) {
      int count = Math.min(n - done, b.capacity() / width);
      b.clear();
      if (t.isFloat()) {
        b.asFloatBuffer().put(t.floats(), done, count);
      } else {
        b.asLongBuffer().put(t.longs(), done, count);
      }
      out.write(b.array(), 0, count * width);
      done += count;
    }
  }

  private static void writeAttribute(DataOutputStream out, Attribute a) throws IOException {
    out.writeUTF(a.name());
    out.writeByte(a.kind().ordinal());
    switch (a.kind()) {
      case INT: out.writeLong(a.i()); break;
      case FLOAT: out.writeFloat(a.f()); break;
      case STRING: out.writeUTF(a.s()); break;
      case INTS:
        writeDims(out, a.ints());
        break;
      case FLOATS:
        out.writeInt(a.floats().length);
        for (float f : a.floats()) {
          out.writeFloat(f);
        }
        break;
      default: writeTensor(out, a.t());
    }
  }

  /** Bounds-checked reader: a count is refused if the bytes left cannot hold it. */
  private static final class Reader {
    private final ChunkedInput b;

    Reader(byte[][] chunks) {
      b = new ChunkedInput(chunks);
    }

    long pos() {
      return b.position();
    }

    long remaining() {
      return b.remaining();
    }

    byte u8() {
      return b.get();
    }

    int i32() {
      return b.getInt();
    }

    long i64() {
      return b.getLong();
    }

    /** A count of items that take at least {@code minBytes} each. */
    int count(int minBytes) {
      int n = b.getInt();
      if (n < 0 || (long) n * minBytes > b.remaining()) {
        throw new ModelException("cannot read compiled model: count " + n + " at byte "
            + (b.position() - 4) + " exceeds the " + b.remaining() + " bytes left");
      }
      return n;
    }

    String utf() {
      int len = b.getShort() & 0xFFFF;
      if (len > b.remaining()) {
        throw new ModelException("cannot read compiled model: string of " + len
            + " bytes at byte " + (b.position() - 2) + " exceeds the bytes left");
      }
      byte[] s = new byte[len];
      b.get(s, 0, len);
      return new String(s, StandardCharsets.UTF_8);
    }

    long[] dims() {
      int n = count(8);
      long[] d = new long[n];
      for (int i = 0; i < n; i++) {
        d[i] = b.getLong();
      }
      return d;
    }

    List<String> strings() {
      int n = count(2);
      List<String> s = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        s.add(utf());
      }
      return s;
    }

    Tensor tensor() {
      DataType type = DataType.fromOnnx(u8());
      if (type == null) {
        throw new ModelException("cannot read compiled model: unknown tensor type at byte "
            + (b.position() - 1));
      }
      long[] dims = dims();
      long n = Shape.elementCount(dims);
      boolean isFloat = type == DataType.FLOAT || type == DataType.DOUBLE
          || type == DataType.FLOAT16;
      int width = isFloat ? 4 : 8;
      if (n > Integer.MAX_VALUE - 8 || n * width > b.remaining()) {
        throw new ModelException("cannot read compiled model: tensor of " + n + " elements"
            + " needs " + n * width + " bytes, " + b.remaining() + " are left");
      }
      float[] f = isFloat ? new float[(int) n] : null;
      long[] l = isFloat ? null : new long[(int) n];
      byte[] block = new byte[(int) Math.min(BLOCK, Math.max(8, n * width))];
      ByteBuffer view = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
      for (int done = 0; done < n; ) {
        int count = (int) Math.min(n - done, block.length / width);
        b.get(block, 0, count * width);
        view.clear();
        if (isFloat) {
          view.asFloatBuffer().get(f, done, count);
        } else {
          view.asLongBuffer().get(l, done, count);
        }
        done += count;
      }
      return isFloat ? Tensor.ofFloats(dims, f) : Tensor.ofLongs(type, dims, l);
    }

    Attribute attribute() {
      String name = utf();
      int kind = u8();
      if (kind < 0 || kind >= Attribute.Kind.values().length) {
        throw new ModelException("cannot read compiled model: attribute '" + name
            + "' has unknown kind " + kind);
      }
      switch (Attribute.Kind.values()[kind]) {
        case INT: return Attribute.ofInt(name, b.getLong());
        case FLOAT: return Attribute.ofFloat(name, b.getFloat());
        case STRING: return Attribute.ofString(name, utf());
        case INTS: return Attribute.ofInts(name, dims());
        case FLOATS: {
          int n = count(4);
          float[] f = new float[n];
          for (int i = 0; i < n; i++) {
            f[i] = b.getFloat();
          }
          return Attribute.ofFloats(name, f);
        }
        default: return Attribute.ofTensor(name, tensor());
      }
    }
  }
}
