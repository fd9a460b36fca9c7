package io.convspark.spark;

import java.util.List;

/** Flattens array<float|double> values (nested or not) into NHWC floats. */
final class Tensors {
  private Tensors() {}

  static RowError fill(Object value, boolean nchw, int h, int w, int c, float[] dst, int off) {
    int expected = h * w * c;
    int[] count = {0};
    float[] tmp = nchw ? new float[expected] : null;
    boolean fits = walk(value, nchw ? tmp : dst, nchw ? 0 : off, expected, count);
    if (!fits || count[0] != expected) {
      return new RowError("BAD_SHAPE", "tensor has " + (fits ? count[0] : "more than "
          + expected) + " values, the model needs " + expected + " (" + (nchw ? c + "x" + h
          + "x" + w + ", NCHW" : h + "x" + w + "x" + c + ", NHWC") + ")", "input");
    }
    if (nchw) {
      for (int ch = 0; ch < c; ch++) {
        for (int p = 0; p < h * w; p++) {
          dst[off + p * c + ch] = tmp[ch * h * w + p];
        }
      }
    }
    return null;
  }

  /** Returns false as soon as more than {@code limit} values are seen. */
  private static boolean walk(Object v, float[] dst, int off, int limit, int[] count) {
    if (v == null) {
      return false;
    }
    if (v instanceof float[] f) {
      return put(f.length, i -> f[i], dst, off, limit, count);
    }
    if (v instanceof double[] d) {
      return put(d.length, i -> (float) d[i], dst, off, limit, count);
    }
    if (v instanceof scala.collection.Iterable<?> seq) {
      var it = seq.iterator();
      while (it.hasNext()) {
        if (!element(it.next(), dst, off, limit, count)) {
          return false;
        }
      }
      return true;
    }
    if (v instanceof List<?> list) {
      for (Object o : list) {
        if (!element(o, dst, off, limit, count)) {
          return false;
        }
      }
      return true;
    }
    if (v instanceof Object[] arr) {
      for (Object o : arr) {
        if (!element(o, dst, off, limit, count)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private static boolean element(Object o, float[] dst, int off, int limit, int[] count) {
    if (o instanceof Number n) {
      if (count[0] >= limit) {
        return false;
      }
      dst[off + count[0]++] = n.floatValue();
      return true;
    }
    return walk(o, dst, off, limit, count);
  }

  private interface Get {
    float at(int i);
  }

  private static boolean put(int n, Get g, float[] dst, int off, int limit, int[] count) {
    if (count[0] + n > limit) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      dst[off + count[0]++] = g.at(i);
    }
    return true;
  }
}
