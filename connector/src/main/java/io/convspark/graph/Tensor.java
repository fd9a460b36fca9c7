package io.convspark.graph;

import java.util.Arrays;
import java.util.Objects;

/**
 * A constant tensor: an initializer, a Constant node's value or a folded result. Floating-point
 * data is held as float[], integer and bool data as long[]; exactly one of them is non-null.
 */
public final class Tensor {
  private final DataType type;
  private final long[] dims;
  private final float[] floats;
  private final long[] longs;

  private Tensor(DataType type, long[] dims, float[] floats, long[] longs) {
    this.type = Objects.requireNonNull(type, "type");
    this.dims = dims.clone();
    this.floats = floats;
    this.longs = longs;
    long n = Shape.elementCount(dims);
    long have = floats != null ? floats.length : longs.length;
    if (n != have) {
      throw new IllegalArgumentException("tensor of shape " + Arrays.toString(dims) + " needs "
          + n + " elements, has " + have);
    }
  }

  public static Tensor ofFloats(long[] dims, float[] data) {
    return new Tensor(DataType.FLOAT, dims, Objects.requireNonNull(data), null);
  }

  public static Tensor ofLongs(DataType type, long[] dims, long[] data) {
    if (type == DataType.FLOAT || type == DataType.DOUBLE || type == DataType.FLOAT16) {
      throw new IllegalArgumentException("floating-point tensors hold floats, not longs");
    }
    return new Tensor(type, dims, null, Objects.requireNonNull(data));
  }

  public static Tensor scalarFloat(float v) {
    return ofFloats(new long[0], new float[] {v});
  }

  public static Tensor ofLongs(long... values) {
    return ofLongs(DataType.INT64, new long[] {values.length}, values);
  }

  public DataType type() {
    return type;
  }

  public long[] dims() {
    return dims.clone();
  }

  public int rank() {
    return dims.length;
  }

  public long dim(int i) {
    return dims[i];
  }

  public long size() {
    return floats != null ? floats.length : longs.length;
  }

  public boolean isFloat() {
    return floats != null;
  }

  /** The float data (not copied: treat as read-only). */
  public float[] floats() {
    if (floats == null) {
      throw new IllegalStateException("tensor of type " + type + " has no float data");
    }
    return floats;
  }

  /** The integer data (not copied: treat as read-only). */
  public long[] longs() {
    if (longs == null) {
      throw new IllegalStateException("tensor of type " + type + " has no integer data");
    }
    return longs;
  }

  /** Element i as a double, whatever the storage. */
  public double get(int i) {
    return floats != null ? floats[i] : longs[i];
  }

  public Shape shape() {
    return Shape.of(dims);
  }

  @Override
  public String toString() {
    return "Tensor[" + type + " " + Arrays.toString(dims) + "]";
  }
}
