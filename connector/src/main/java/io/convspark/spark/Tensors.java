package io.convspark.spark;

import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.Float4Vector;

/** Flattens array<float|double> values (nested or not) into a Float4 vector run. */
final class Tensors {
  private Tensors() {}

  /**
   * What one row's array held, for the shape check in {@link RowConverter}.
   *
   * @param count values written, {@code size + 1} when there were more than {@code size}
   * @param dims length of the first array met at each nesting depth (outermost first)
   * @param ragged true when two arrays at one depth differ in length
   * @param nullAt flat index of the first null element, or -1
   * @param notNumeric true when a leaf is neither a number nor an array
   */
  record Found(int count, int[] dims, boolean ragged, int nullAt, boolean notNumeric) {
    /** The nesting lengths as Spark shows them, e.g. [3][37][37]. */
    String shape() {
      StringBuilder sb = new StringBuilder();
      for (int d : dims) {
        sb.append('[').append(d).append(']');
      }
      return sb.toString();
    }
  }

  /**
   * Writes the values of {@code value} at {@code dst[off..]}, stopping at {@code size + 1}
   * values (too many) or at the first null element, without writing past the run.
   */
  static Found fillArrow(Object value, Float4Vector dst, int off, int size) {
    Walk w = new Walk(dst, off, size);
    w.walk(value, 0);
    return new Found(w.count, Arrays.copyOf(w.dims, w.depth), w.ragged, w.nullAt,
        w.notNumeric);
  }

  private static final class Walk {
    final Float4Vector dst;
    final int off;
    final int size;
    int count;
    int[] dims = new int[4];
    int depth; // how many entries of dims are set
    boolean ragged;
    int nullAt = -1;
    boolean notNumeric;

    Walk(Float4Vector dst, int off, int size) {
      this.dst = dst;
      this.off = off;
      this.size = size;
    }

    /** Returns false to stop: too many values, a null element, or a non-number. */
    boolean walk(Object v, int level) {
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
        length(level, f.length);
        for (float x : f) {
          if (!put(x)) {
            return false;
          }
        }
        return true;
      }
      if (v instanceof double[] d) {
        length(level, d.length);
        for (double x : d) {
          if (!put((float) x)) {
            return false;
          }
        }
        return true;
      }
      List<?> items = v instanceof scala.collection.Seq<?> seq
          ? scala.jdk.javaapi.CollectionConverters.asJava(seq)
          : v instanceof List<?> list ? list : v instanceof Object[] arr ? Arrays.asList(arr)
          : null;
      if (items == null) {
        notNumeric = true;
        return false;
      }
      length(level, items.size()); // before the children: dims is outermost first
      for (Object o : items) {
        if (o == null) {
          nullAt = count;
          return false;
        }
        if (!(o instanceof Number x ? put(x.floatValue()) : walk(o, level + 1))) {
          return false;
        }
      }
      return true;
    }

    private void length(int level, int n) {
      if (level < depth) {
        ragged |= dims[level] != n;
        return;
      }
      if (depth == dims.length) {
        dims = Arrays.copyOf(dims, depth * 2);
      }
      dims[depth++] = n;
    }

    private boolean put(float x) {
      if (count >= size) {
        count = size + 1;
        return false;
      }
      dst.setSafe(off + count++, x);
      return true;
    }
  }
}
