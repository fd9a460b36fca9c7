package io.convspark.onnx;

import io.convspark.ModelException;
import io.convspark.graph.DataType;
import io.convspark.graph.Tensor;
import io.convspark.onnx.proto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes TensorProtos into {@link Tensor}s. Checks type, dims, the one value field and its
 * exact size, and charges the weight budget, all before allocating the decoded array.
 * One instance per model: it keeps the running total of weight bytes.
 */
final class TensorDecoder {
  private static final String[] ONNX_TYPES = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16",
      "INT16", "INT32", "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64",
      "COMPLEX64", "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2",
      "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1"};
  private static final String SUPPORTED = "FLOAT, UINT8, INT8, INT32, INT64, BOOL";

  private final LoaderLimits limits;
  private final Path baseDir;
  private final String source;
  private long weightBytes;

  /**
   * @param baseDir directory external data must live in, or null when there is none
   * @param source how messages name the model or file, e.g. "model 'm.onnx'"
   */
  TensorDecoder(LoaderLimits limits, Path baseDir, String source) {
    this.limits = limits;
    this.baseDir = baseDir;
    this.source = source;
  }

  static String onnxTypeName(int code) {
    return code >= 0 && code < ONNX_TYPES.length ? ONNX_TYPES[code] : "unknown type " + code;
  }

  /** @param what names the tensor in messages: "initializer 'conv1.weight'" */
  Tensor decode(TensorProto p, String what) {
    String at = "cannot load " + what + " in " + source + ": ";
    DataType type = DataType.fromOnnx(p.getDataType());
    if (type == null || type == DataType.FLOAT16 || type == DataType.DOUBLE) {
      throw new ModelException(at + "element type " + onnxTypeName(p.getDataType())
          + " is not supported; supported types are " + SUPPORTED);
    }
    long[] dims = new long[p.getDimsCount()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = p.getDims(i);
    }
    String dimStr = type + " " + Arrays.toString(dims);
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0) {
        throw new ModelException(at + "dims " + Arrays.toString(dims) + " have negative dimension "
            + dims[i] + " at index " + i + "; tensor dimensions must be zero or positive");
      }
    }
    long n;
    try {
      n = 1;
      for (long d : dims) {
        n = Math.multiplyExact(n, d);
      }
    } catch (ArithmeticException e) {
      throw new ModelException(at + "dims " + Arrays.toString(dims)
          + " overflow: their product exceeds 2^63 - 1 elements (dimension overflow)");
    }
    if (n > limits.maxTensorElements()) {
      throw new ModelException(at + dimStr + " has " + n + " elements, more than the limit of "
          + limits.maxTensorElements() + " (LoaderLimits.maxTensorElements)");
    }
    if (p.hasSegment()) {
      throw new ModelException(at + "segmented tensors (TensorProto.segment) are not supported");
    }
    List<String> fields = valueFields(p);
    if (fields.size() > 1) {
      throw new ModelException(at + "data in " + String.join(" and ", fields)
          + "; a tensor must have one and only one value field");
    }
    long bytes = n * elementSize(type);
    if (bytes > limits.maxWeightBytes() - weightBytes) {
      throw new ModelException(at + dimStr + " needs " + bytes + " bytes, which brings the model's"
          + " weights to " + (weightBytes + bytes) + " bytes, more than the limit of "
          + limits.maxWeightBytes() + " (LoaderLimits.maxWeightBytes)");
    }
    weightBytes += bytes;
    if (fields.isEmpty()) {
      if (n != 0) {
        throw new ModelException(at + "no data for " + dimStr + " (" + n + " elements)");
      }
      return type == DataType.FLOAT ? Tensor.ofFloats(dims, new float[0])
          : Tensor.ofLongs(type, dims, new long[0]);
    }
    String field = fields.get(0);
    if (field.equals("external data")) {
      return fromBytes(ExternalData.read(p, baseDir, bytes, dimStr, at), type, dims, (int) n);
    }
    if (field.equals("raw_data")) {
      if (p.getRawData().size() != bytes) {
        throw new ModelException(at + "raw_data has " + p.getRawData().size() + " bytes, but "
            + dimStr + " needs exactly " + n + " x " + elementSize(type) + " = " + bytes + " bytes");
      }
      return fromBytes(p.getRawData().asReadOnlyByteBuffer(), type, dims, (int) n);
    }
    return fromTyped(p, field, type, dims, (int) n, at);
  }

  private static List<String> valueFields(TensorProto p) {
    List<String> f = new ArrayList<>();
    if (p.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      f.add("external data");
    }
    if (p.hasRawData()) {
      f.add("raw_data");
    }
    addIf(f, p.getFloatDataCount(), "float_data");
    addIf(f, p.getInt32DataCount(), "int32_data");
    addIf(f, p.getInt64DataCount(), "int64_data");
    addIf(f, p.getDoubleDataCount(), "double_data");
    addIf(f, p.getUint64DataCount(), "uint64_data");
    addIf(f, p.getStringDataCount(), "string_data");
    return f;
  }

  private static void addIf(List<String> f, int count, String name) {
    if (count > 0) {
      f.add(name);
    }
  }

  static int elementSize(DataType t) {
    switch (t) {
      case FLOAT:
      case INT32:
        return 4;
      case INT64:
        return 8;
      default:
        return 1;
    }
  }

  /** Decodes little-endian data of exactly n elements. */
  static Tensor fromBytes(ByteBuffer raw, DataType type, long[] dims, int n) {
    ByteBuffer b = raw.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (type == DataType.FLOAT) {
      float[] f = new float[n];
      b.asFloatBuffer().get(f);
      return Tensor.ofFloats(dims, f);
    }
    long[] v = new long[n];
    switch (type) {
      case INT64:
        b.asLongBuffer().get(v);
        break;
      case INT32:
        for (int i = 0; i < n; i++) {
          v[i] = b.getInt(4 * i);
        }
        break;
      case INT8:
        for (int i = 0; i < n; i++) {
          v[i] = b.get(i);
        }
        break;
      case UINT8:
        for (int i = 0; i < n; i++) {
          v[i] = b.get(i) & 0xff;
        }
        break;
      default: // BOOL: any non-zero byte is true
        for (int i = 0; i < n; i++) {
          v[i] = b.get(i) != 0 ? 1 : 0;
        }
    }
    return Tensor.ofLongs(type, dims, v);
  }

  private static Tensor fromTyped(TensorProto p, String field, DataType type, long[] dims, int n,
      String at) {
    String expected = type == DataType.FLOAT ? "float_data"
        : type == DataType.INT64 ? "int64_data" : "int32_data";
    if (!field.equals(expected)) {
      throw new ModelException(at + type + " data stored in " + field + "; " + type
          + " tensors use " + expected + " or raw_data");
    }
    int count = type == DataType.FLOAT ? p.getFloatDataCount()
        : type == DataType.INT64 ? p.getInt64DataCount() : p.getInt32DataCount();
    if (count != n) {
      throw new ModelException(at + field + " has " + count + " values, but " + type + " "
          + Arrays.toString(dims) + " needs exactly " + n);
    }
    if (type == DataType.FLOAT) {
      float[] f = new float[n];
      for (int i = 0; i < n; i++) {
        f[i] = p.getFloatData(i);
      }
      return Tensor.ofFloats(dims, f);
    }
    long[] v = new long[n];
    long lo = type == DataType.INT8 ? -128 : 0;
    long hi = type == DataType.INT8 ? 127 : type == DataType.UINT8 ? 255 : 1;
    boolean ranged = type == DataType.INT8 || type == DataType.UINT8 || type == DataType.BOOL;
    for (int i = 0; i < n; i++) {
      v[i] = type == DataType.INT64 ? p.getInt64Data(i) : p.getInt32Data(i);
      if (ranged && (v[i] < lo || v[i] > hi)) {
        throw new ModelException(at + "value " + v[i] + " at index " + i + " is outside the "
            + type + " range " + lo + " to " + hi);
      }
    }
    return Tensor.ofLongs(type, dims, v);
  }
}
