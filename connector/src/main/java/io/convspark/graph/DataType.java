package io.convspark.graph;

/** The ONNX element types the compiler understands (TensorProto.DataType numbers). */
public enum DataType {
  FLOAT(1), UINT8(2), INT8(3), INT32(6), INT64(7), BOOL(9), FLOAT16(10), DOUBLE(11);

  private final int onnxCode;

  DataType(int onnxCode) {
    this.onnxCode = onnxCode;
  }

  public int onnxCode() {
    return onnxCode;
  }

  /** Returns null for ONNX types the compiler does not handle. */
  public static DataType fromOnnx(int code) {
    for (DataType t : values()) {
      if (t.onnxCode == code) {
        return t;
      }
    }
    return null;
  }
}
