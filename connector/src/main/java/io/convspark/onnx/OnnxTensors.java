package io.convspark.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.convspark.ModelException;
import io.convspark.graph.Tensor;
import io.convspark.onnx.proto.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads standalone serialized TensorProtos, such as the ONNX backend test data
 * ({@code test_data_set_0/input_0.pb}). Same checks and limits as model initializers.
 *
 * <pre>{@code
 * Tensor expected = OnnxTensors.read(dir.resolve("test_data_set_0/output_0.pb"));
 * }</pre>
 */
public final class OnnxTensors {
  private OnnxTensors() {}

  /**
   * Reads a TensorProto file; external data is resolved in its directory.
   *
   * @throws ModelException if the file cannot be read or is not a supported tensor
   */
  public static Tensor read(Path file) {
    Objects.requireNonNull(file, "file");
    String source = "tensor file '" + file + "'";
    return OnnxLoader.guard(source, () -> {
      byte[] bytes;
      try {
        OnnxLoader.checkSize(Files.size(file), LoaderLimits.DEFAULT, source);
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new ModelException("cannot read ONNX " + source + ": " + e, e);
      }
      return decode(bytes, file.toAbsolutePath().getParent(), source);
    });
  }

  /**
   * Reads a serialized TensorProto that has no external data.
   *
   * @throws ModelException if the bytes are not a supported tensor
   */
  public static Tensor read(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    String source = "tensor (" + bytes.length + " bytes)";
    return OnnxLoader.guard(source, () -> decode(bytes, null, source));
  }

  private static Tensor decode(byte[] bytes, Path dir, String source) {
    TensorProto p;
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.setRecursionLimit(ProtoLimits.RECURSION_LIMIT);
      p = TensorProto.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelException("cannot parse ONNX " + source + ": " + ProtoLimits.describe(e)
          + "; the data is truncated, corrupt or not a TensorProto", e);
    } catch (IOException e) {
      throw new ModelException("cannot parse ONNX " + source + ": " + e, e);
    }
    String name = p.getName().isEmpty() ? "tensor" : "tensor '" + p.getName() + "'";
    return new TensorDecoder(LoaderLimits.DEFAULT, dir, source).decode(p, name);
  }
}
