package io.convspark.spark;

import java.util.List;
import org.apache.arrow.vector.Float4Vector;

/** Flattens array<float|double> values (nested or not) into a Float4 vector run. */
final class Tensors {
  private Tensors() {}

  /**
   * Writes the values of {@code value} at {@code dst[off..]}; returns how many it found,
   * stopping at {@code size + 1} (too many) without writing past the run.
   */
  static int fillArrow(Object value, Float4Vector dst, int off, int size) {
    int[] count = {0};
    walk(value, dst, off, size, count);
    return count[0];
  }

  /** Returns false once more than {@code size} values were seen. */
  private static boolean walk(Object v, Float4Vector dst, int off, int size, int[] count) {
    // Spark's rows hold array<float> as ArraySeq.ofFloat: read its float[] without boxing.
    if (v instanceof scala.collection.immutable.ArraySeq.ofFloat a) {
      v = a.unsafeArray();
    } else if (v instanceof scala.collection.mutable.ArraySeq.ofFloat a) {
      v = a.array();
    } else if (v instanceof scala.collection.immutable.ArraySeq.ofDouble a) {
      v = a.unsafeArray();
    } else if (v instanceof scala.collection.mutable.ArraySeq.ofDouble a) {
      v = a.array();
    }
    if (v instanceof float[] f) {
      for (float x : f) {
        if (!put(x, dst, off, size, count)) {
          return false;
        }
      }
      return true;
    }
    if (v instanceof double[] d) {
      for (double x : d) {
        if (!put((float) x, dst, off, size, count)) {
          return false;
        }
      }
      return true;
    }
    Iterable<?> items = v instanceof scala.collection.Iterable<?> seq
        ? scala.jdk.javaapi.CollectionConverters.asJava(seq)
        : v instanceof List<?> list ? list : v instanceof Object[] arr ? List.of(arr) : null;
    if (items == null) {
      count[0] = size + 1; // not an array of numbers: reported as a shape error
      return false;
    }
    for (Object o : items) {
      boolean ok = o instanceof Number n ? put(n.floatValue(), dst, off, size, count)
          : o != null && walk(o, dst, off, size, count);
      if (!ok) {
        if (o == null) {
          count[0] = size + 1;
        }
        return false;
      }
    }
    return true;
  }

  private static boolean put(float x, Float4Vector dst, int off, int size, int[] count) {
    if (count[0] >= size) {
      count[0] = size + 1;
      return false;
    }
    dst.setSafe(off + count[0]++, x);
    return true;
  }
}
