package io.convspark.graph;

import java.util.Arrays;

/** A tensor shape; a dimension of -1 is unknown (symbolic or dynamic). */
public final class Shape {
  private final long[] dims;

  private Shape(long[] dims) {
    this.dims = dims;
  }

  public static Shape of(long... dims) {
    return new Shape(dims.clone());
  }

  public int rank() {
    return dims.length;
  }

  public long dim(int i) {
    return dims[i];
  }

  public long[] dims() {
    return dims.clone();
  }

  public boolean isKnown() {
    for (long d : dims) {
      if (d < 0) {
        return false;
      }
    }
    return true;
  }

  /** Product of dims, failing on overflow (a hostile shape must not wrap around). */
  public static long elementCount(long[] dims) {
    long n = 1;
    for (long d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException("shape " + Arrays.toString(dims)
            + " has an unknown dimension");
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  public long elementCount() {
    return elementCount(dims);
  }

  public Shape withDim(int i, long d) {
    long[] c = dims.clone();
    c[i] = d;
    return new Shape(c);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < dims.length; i++) {
      b.append(i == 0 ? "" : "x").append(dims[i] < 0 ? "?" : Long.toString(dims[i]));
    }
    return dims.length == 0 ? "scalar" : b.toString();
  }
}
