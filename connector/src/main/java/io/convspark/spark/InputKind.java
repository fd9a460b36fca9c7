package io.convspark.spark;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The input column types the connector accepts, detected from the schema. */
enum InputKind {
  /** Spark's image data source struct: uint8, HWC, BGR. */
  IMAGE_STRUCT,
  /** Encoded JPEG/PNG/BMP/GIF bytes, e.g. binaryFile's content column. */
  ENCODED,
  /** A preprocessed tensor: array<float|double>, possibly nested, in the declared layout. */
  TENSOR;

  static final String ACCEPTED = "struct<origin:string,height:int,width:int,nChannels:int,"
      + "mode:int,data:binary> (the image data source), binary (encoded JPEG/PNG), or"
      + " array<float> / array<double> / nested arrays (preprocessed tensors)";

  /** The kind of {@code type}, or null when the type is not accepted. */
  static InputKind of(DataType type) {
    if (type instanceof BinaryType) {
      return ENCODED;
    }
    if (type instanceof StructType s && isImageStruct(s)) {
      return IMAGE_STRUCT;
    }
    DataType t = type;
    while (t instanceof ArrayType a) {
      t = a.elementType();
    }
    if (type instanceof ArrayType && (t instanceof FloatType || t instanceof DoubleType)) {
      return TENSOR;
    }
    return null;
  }

  private static boolean isImageStruct(StructType s) {
    String[] names = {"height", "width", "nChannels", "mode", "data"};
    for (String n : names) {
      if (!java.util.Arrays.asList(s.fieldNames()).contains(n)) {
        return false;
      }
    }
    StructField data = s.apply("data");
    return data.dataType() instanceof BinaryType;
  }
}
