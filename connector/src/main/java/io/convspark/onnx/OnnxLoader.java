package io.convspark.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.convspark.ModelException;
import io.convspark.graph.Graph;
import io.convspark.onnx.proto.ModelProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Loads an ONNX model into the compiler's {@link Graph}: parses the protobuf, reads embedded
 * and external weights, and validates the graph (opset 9 to 21, default domain only, every
 * value defined once, no cycles), returning the nodes in topological order.
 *
 * <p>Every problem with the model, including a hostile or corrupt file, is reported as a
 * {@link ModelException} naming the node, op type and opset or the tensor; no other exception
 * leaves {@code load}. Sizes declared by the file are checked against {@link LoaderLimits} and
 * the bytes present before anything is allocated. External data must be inside the model's
 * directory. Thread-safe (no state).
 *
 * <pre>{@code
 * Graph g = OnnxLoader.load(Path.of("mobilenet_v2.onnx"));
 * System.out.println(g.opset() + " " + g.inputs() + " " + g.opCounts());
 * }</pre>
 */
public final class OnnxLoader {
  private OnnxLoader() {}

  /**
   * Loads a model file; external data is resolved in the file's directory.
   *
   * @throws ModelException if the file cannot be read or is not a valid, supported model
   */
  public static Graph load(Path file) {
    return load(file, LoaderLimits.DEFAULT);
  }

  /** Like {@link #load(Path)} with explicit limits. */
  public static Graph load(Path file, LoaderLimits limits) {
    Objects.requireNonNull(file, "file");
    String source = "model '" + file + "'";
    return guard(source, () -> {
      long size;
      try {
        size = Files.size(file);
      } catch (IOException e) {
        throw new ModelException("cannot read ONNX " + source + ": " + e, e);
      }
      checkSize(size, limits, source);
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new ModelException("cannot read ONNX " + source + ": " + e, e);
      }
      checkSize(bytes.length, limits, source);
      Path dir = file.toAbsolutePath().getParent();
      return GraphConverter.convert(parse(bytes, source), limits, dir, source);
    });
  }

  /**
   * Loads a serialized model.
   *
   * @param baseDirOrNull directory holding the model's external data, or null when it has none
   * @throws ModelException if the bytes are not a valid, supported model
   */
  public static Graph load(byte[] bytes, Path baseDirOrNull) {
    return load(bytes, baseDirOrNull, LoaderLimits.DEFAULT);
  }

  /** Like {@link #load(byte[], Path)} with explicit limits. */
  public static Graph load(byte[] bytes, Path baseDirOrNull, LoaderLimits limits) {
    Objects.requireNonNull(bytes, "bytes");
    String source = "model (" + bytes.length + " bytes)";
    return guard(source, () -> {
      checkSize(bytes.length, limits, source);
      return GraphConverter.convert(parse(bytes, source), limits, baseDirOrNull, source);
    });
  }

  /**
   * Reads a serialized model to the end of the stream (not closed) and loads it.
   *
   * @throws ModelException if the stream fails or holds no valid, supported model
   */
  public static Graph load(InputStream in, Path baseDirOrNull) {
    return load(in, baseDirOrNull, LoaderLimits.DEFAULT);
  }

  /** Like {@link #load(InputStream, Path)} with explicit limits. */
  public static Graph load(InputStream in, Path baseDirOrNull, LoaderLimits limits) {
    Objects.requireNonNull(in, "in");
    String source = "model (from a stream)";
    return guard(source, () -> {
      byte[] bytes = readCapped(in, limits.maxModelBytes(), source);
      return GraphConverter.convert(parse(bytes, source), limits, baseDirOrNull, source);
    });
  }

  /** Reads at most {@code max} bytes, growing the buffer only as data arrives. */
  static byte[] readCapped(InputStream in, long max, String source) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    long total = 0;
    try {
      for (int r; (r = in.read(buf)) > 0; ) {
        total += r;
        checkSize(total, new LoaderLimits(max, 0, 0), source);
        out.write(buf, 0, r);
      }
    } catch (IOException e) {
      throw new ModelException("cannot read ONNX " + source + ": " + e, e);
    }
    return out.toByteArray();
  }

  static void checkSize(long size, LoaderLimits limits, String source) {
    if (size > limits.maxModelBytes()) {
      throw new ModelException("cannot load ONNX " + source + ": " + (size == Long.MAX_VALUE
          ? "its size" : size + " bytes") + " is more than the limit of " + limits.maxModelBytes()
          + " bytes (LoaderLimits.maxModelBytes); larger models must store weights as external"
          + " data");
    }
  }

  private static ModelProto parse(byte[] bytes, String source) {
    if (bytes.length == 0) {
      throw new ModelException("cannot parse ONNX " + source + ": it is empty (0 bytes), not an"
          + " ONNX ModelProto");
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.setRecursionLimit(ProtoLimits.RECURSION_LIMIT);
      ModelProto m = ModelProto.parseFrom(in);
      in.checkLastTagWas(0);
      return m;
    } catch (InvalidProtocolBufferException e) {
      throw new ModelException("cannot parse ONNX " + source + ": " + ProtoLimits.describe(e)
          + "; the data is truncated, corrupt or not an ONNX ModelProto", e);
    } catch (IOException e) {
      throw new ModelException("cannot parse ONNX " + source + ": " + e, e);
    }
  }

  /**
   * Runs {@code body} so that only ModelException leaves: anything else a hostile file could
   * provoke in parsing or decoding is wrapped with the source named.
   */
  static <T> T guard(String source, Supplier<T> body) {
    try {
      return body.get();
    } catch (ModelException e) {
      throw e;
    } catch (OutOfMemoryError e) {
      throw new ModelException("cannot load ONNX " + source + ": out of memory; raise the heap"
          + " or lower LoaderLimits", e);
    } catch (StackOverflowError e) {
      throw new ModelException("cannot load ONNX " + source + ": too many levels of nesting"
          + " (stack overflow)", e);
    } catch (RuntimeException e) {
      throw new ModelException("cannot load ONNX " + source + ": malformed content (" + e
          + ")", e);
    }
  }
}
