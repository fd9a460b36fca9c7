package io.convspark.graph.pass;

import io.convspark.graph.DataType;
import io.convspark.graph.Geometry;
import io.convspark.graph.Graph;
import io.convspark.graph.Node;
import io.convspark.graph.OnnxAttributes;
import io.convspark.graph.Shape;
import io.convspark.graph.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reference evaluation of the small shape-arithmetic ops that exporters emit. Every result that
 * needs new storage is sized and checked against the folding cap before it is allocated.
 */
final class ConstantEvaluator {
  private ConstantEvaluator() {}

  /**
   * Returns the folded output, or null when the node is not evaluated here.
   *
   * @param cap most elements a new folded constant may have (CompileLimits.maxFoldedElements)
   */
  static Tensor evaluate(Graph g, Node n, long cap) {
    requireInputs(g, n);
    Tensor x = n.hasInput(0) ? g.constant(n.input(0)) : null;
    switch (n.opType()) {
      case "Identity":
        return x;
      case "Cast":
        checkedCount(g, n, x.dims(), cap);
        return cast(g, n, x);
      case "Gather":
        return gather(g, n, x, g.constant(n.input(1)), cap);
      case "Slice":
        return slice(g, n, x, cap);
      case "Concat":
        return concat(g, n, cap);
      case "Expand":
        return expand(g, n, x, g.constant(n.input(1)), cap);
      case "Tile":
        return tile(g, n, x, g.constant(n.input(1)), cap);
      case "Unsqueeze":
        return unsqueeze(g, n, x);
      case "Squeeze":
        return squeeze(g, n, x);
      case "Reshape":
        return reshaped(x, Reshapes.resolve(g, n, x.shape(), g.constant(n.input(1))).dims());
      case "Flatten": {
        int axis = OnnxAttributes.axis(g, n, n.intAttr("axis", 1), x.rank() + 1);
        long a = 1;
        for (int i = 0; i < axis; i++) {
          a *= x.dim(i);
        }
        return reshaped(x, new long[] {a, x.size() / Math.max(1, a)});
      }
      case "ConstantOfShape": {
        long[] dims = x.longs();
        int count = checkedCount(g, n, dims, cap);
        var v = n.attribute("value");
        Tensor value = v == null ? Tensor.scalarFloat(0f) : v.t();
        if (value.isFloat()) {
          float[] f = new float[(int) count];
          Arrays.fill(f, value.floats()[0]);
          return Tensor.ofFloats(dims, f);
        }
        long[] l = new long[(int) count];
        Arrays.fill(l, value.longs()[0]);
        return Tensor.ofLongs(value.type(), dims, l);
      }
      case "Range": {
        double start = x.get(0);
        double limit = g.constant(n.input(1)).get(0);
        double delta = g.constant(n.input(2)).get(0);
        if (delta == 0) {
          throw Geometry.fail(g, n, "delta is 0, it must be non-zero");
        }
        double steps = Math.ceil((limit - start) / delta);
        if (!(steps <= cap)) { // also NaN, from infinite bounds
          throw Geometry.fail(g, n, "folding would create " + steps + " elements (start "
              + start + ", limit " + limit + ", delta " + delta + "), more than the limit of "
              + cap + " (CompileLimits.maxFoldedElements)");
        }
        long count = Math.max(0, (long) steps);
        if (x.isFloat()) {
          float[] f = new float[(int) count];
          for (int i = 0; i < count; i++) {
            f[i] = (float) (start + i * delta);
          }
          return Tensor.ofFloats(new long[] {count}, f);
        }
        long[] l = new long[(int) count];
        for (int i = 0; i < count; i++) {
          l[i] = (long) (start + i * delta);
        }
        return Tensor.ofLongs(x.type(), new long[] {count}, l);
      }
      case "Add": case "Sub": case "Mul": case "Div":
        return binary(g, n, x, g.constant(n.input(1)), cap);
      case "Sqrt": case "Floor": case "Ceil": case "Neg":
        checkedCount(g, n, x.dims(), cap);
        return unary(n, x);
      case "Transpose":
        checkedCount(g, n, x.dims(), cap);
        return transpose(n, x);
      default:
        return null;
    }
  }

  /** Inputs every ONNX version of the op requires; optional ones may be absent (""). */
  private static int requiredInputs(String op) {
    switch (op) {
      case "Gather": case "Expand": case "Tile": case "Reshape":
      case "Add": case "Sub": case "Mul": case "Div":
        return 2;
      case "Range":
        return 3;
      default:
        return 1;
    }
  }

  private static void requireInputs(Graph g, Node n) {
    int need = requiredInputs(n.opType());
    for (int i = 0; i < need; i++) {
      if (!n.hasInput(i)) {
        throw Geometry.fail(g, n, "input " + i + " is missing (inputs " + n.inputs() + "); "
            + n.opType() + " needs at least " + need);
      }
    }
  }

  /**
   * The element count of a folded result of {@code dims}, failing with the node, the requested
   * size and the cap before anything is allocated.
   */
  static int checkedCount(Graph g, Node n, long[] dims, long cap) {
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0) {
        throw Geometry.fail(g, n, "folding would create a tensor of shape "
            + Arrays.toString(dims) + ", whose dimension " + i + " is negative");
      }
    }
    long count;
    try {
      count = Shape.elementCount(dims);
    } catch (ArithmeticException e) {
      throw Geometry.fail(g, n, "folding would create more than 2^63 - 1 elements (shape "
          + Arrays.toString(dims) + "), more than the limit of " + cap
          + " (CompileLimits.maxFoldedElements)");
    }
    if (count > cap) {
      throw Geometry.fail(g, n, "folding would create " + count + " elements (shape "
          + Arrays.toString(dims) + "), more than the limit of " + cap
          + " (CompileLimits.maxFoldedElements)");
    }
    return (int) count;
  }

  /** Expand: numpy broadcasting of x against the requested shape. */
  private static Tensor expand(Graph g, Node n, Tensor x, Tensor shape, long cap) {
    long[] target = shape.longs();
    for (int i = 0; i < target.length; i++) {
      if (target[i] < 0) {
        throw Geometry.fail(g, n, "shape " + Arrays.toString(target) + " has negative entry "
            + target[i] + " at index " + i + ", entries must be zero or positive");
      }
    }
    long[] out = ShapeInference.broadcast(g, n, x.shape(), Shape.of(target)).dims();
    int total = checkedCount(g, n, out, cap);
    long[] xs = bstrides(x.dims(), out.length);
    int[] src = new int[total];
    long[] idx = new long[out.length];
    for (int p = 0; p < total; p++) {
      long off = 0;
      for (int d = 0; d < out.length; d++) {
        off += idx[d] * xs[d];
      }
      src[p] = (int) off;
      advance(idx, out);
    }
    return pick(x, out, src);
  }

  /** Tile: x repeated repeats[i] times along each axis i. */
  private static Tensor tile(Graph g, Node n, Tensor x, Tensor repeats, long cap) {
    long[] r = repeats.longs();
    if (r.length != x.rank()) {
      throw Geometry.fail(g, n, "repeats " + Arrays.toString(r) + " has " + r.length
          + " entries, the input has rank " + x.rank() + "; they must be equal");
    }
    long[] dims = x.dims();
    long[] out = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      if (r[i] < 0) {
        throw Geometry.fail(g, n, "repeats " + Arrays.toString(r) + " has negative entry "
            + r[i] + " at index " + i + ", repeats must be zero or positive");
      }
      try {
        out[i] = Math.multiplyExact(dims[i], r[i]);
      } catch (ArithmeticException e) {
        throw Geometry.fail(g, n, "folding would create more than 2^63 - 1 elements (input "
            + Arrays.toString(dims) + " repeated " + Arrays.toString(r) + "), more than the"
            + " limit of " + cap + " (CompileLimits.maxFoldedElements)");
      }
    }
    int total = checkedCount(g, n, out, cap);
    long[] xs = strides(dims);
    int[] src = new int[total];
    long[] idx = new long[out.length];
    for (int p = 0; p < total; p++) {
      long off = 0;
      for (int d = 0; d < out.length; d++) {
        off += (idx[d] % dims[d]) * xs[d];
      }
      src[p] = (int) off;
      advance(idx, out);
    }
    return pick(x, out, src);
  }

  /** Steps a row-major multi-index over {@code dims}. */
  private static void advance(long[] idx, long[] dims) {
    for (int d = dims.length - 1; d >= 0; d--) {
      if (++idx[d] < dims[d]) {
        return;
      }
      idx[d] = 0;
    }
  }

  private static Tensor reshaped(Tensor x, long[] dims) {
    return x.isFloat() ? Tensor.ofFloats(dims, x.floats())
        : Tensor.ofLongs(x.type(), dims, x.longs());
  }

  private static Tensor cast(Graph g, Node n, Tensor x) {
    long to = n.intAttr("to", -1);
    DataType t = DataType.fromOnnx((int) to);
    if (t == null) {
      throw Geometry.fail(g, n, "cast to ONNX type " + to + " is not supported");
    }
    int size = (int) x.size();
    if (t == DataType.FLOAT || t == DataType.DOUBLE || t == DataType.FLOAT16) {
      float[] f = new float[size];
      for (int i = 0; i < size; i++) {
        f[i] = (float) x.get(i);
      }
      return Tensor.ofFloats(x.dims(), f);
    }
    long[] l = new long[size];
    for (int i = 0; i < size; i++) {
      double v = x.get(i);
      l[i] = t == DataType.BOOL ? (v != 0 ? 1 : 0) : (long) v;
    }
    return Tensor.ofLongs(t, x.dims(), l);
  }

  private static long[] strides(long[] dims) {
    long[] s = new long[dims.length];
    long acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= dims[i];
    }
    return s;
  }

  /** Builds a tensor of {@code dims} whose element i is source element {@code src[i]}. */
  private static Tensor pick(Tensor x, long[] dims, int[] src) {
    if (x.isFloat()) {
      float[] f = new float[src.length];
      for (int i = 0; i < src.length; i++) {
        f[i] = x.floats()[src[i]];
      }
      return Tensor.ofFloats(dims, f);
    }
    long[] l = new long[src.length];
    for (int i = 0; i < src.length; i++) {
      l[i] = x.longs()[src[i]];
    }
    return Tensor.ofLongs(x.type(), dims, l);
  }

  private static Tensor gather(Graph g, Node n, Tensor data, Tensor idx, long cap) {
    int axis = OnnxAttributes.axis(g, n, n.intAttr("axis", 0), data.rank());
    long[] dd = data.dims();
    long[] id = idx.dims();
    long[] out = new long[dd.length - 1 + id.length];
    int k = 0;
    for (int i = 0; i < axis; i++) {
      out[k++] = dd[i];
    }
    for (long d : id) {
      out[k++] = d;
    }
    for (int i = axis + 1; i < dd.length; i++) {
      out[k++] = dd[i];
    }
    long outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= dd[i];
    }
    long inner = 1;
    for (int i = axis + 1; i < dd.length; i++) {
      inner *= dd[i];
    }
    int count = (int) idx.size();
    int[] src = new int[checkedCount(g, n, out, cap)];
    int p = 0;
    for (long o = 0; o < outer; o++) {
      for (int j = 0; j < count; j++) {
        long ix = (long) idx.get(j);
        if (ix < 0) {
          ix += dd[axis];
        }
        if (ix < 0 || ix >= dd[axis]) {
          throw Geometry.fail(g, n, "index " + (long) idx.get(j) + " is outside [" + (-dd[axis])
              + ", " + dd[axis] + ") on axis " + axis);
        }
        for (long i = 0; i < inner; i++) {
          src[p++] = (int) ((o * dd[axis] + ix) * inner + i);
        }
      }
    }
    return pick(data, out, src);
  }

  private static long[] ints(Graph g, Node n, int input, String attr) {
    if (g.opset() < 10 || (attr.equals("axes") && g.opset() < 13 && n.attribute("axes") != null
        && !n.opType().equals("Slice"))) {
      return n.intsAttr(attr, null);
    }
    return n.hasInput(input) ? g.constant(n.input(input)).longs().clone()
        : n.intsAttr(attr, null);
  }

  private static Tensor slice(Graph g, Node n, Tensor x, long cap) {
    long[] starts = ints(g, n, 1, "starts");
    long[] ends = ints(g, n, 2, "ends");
    long[] axes = ints(g, n, 3, "axes");
    long[] steps = g.opset() >= 10 && n.hasInput(4) ? g.constant(n.input(4)).longs() : null;
    long[] dims = x.dims();
    long[] begin = new long[dims.length];
    long[] step = new long[dims.length];
    long[] out = dims.clone();
    Arrays.fill(step, 1);
    for (int i = 0; i < starts.length; i++) {
      int a = OnnxAttributes.axis(g, n, axes == null ? i : axes[i], dims.length);
      long st = steps == null ? 1 : steps[i];
      if (st == 0) {
        throw Geometry.fail(g, n, "step 0 on axis " + a + ", steps must be non-zero");
      }
      long d = dims[a];
      long s = starts[i] < 0 ? starts[i] + d : starts[i];
      long e = ends[i] < 0 ? ends[i] + d : ends[i];
      if (st > 0) {
        s = Math.max(0, Math.min(d, s));
        e = Math.max(0, Math.min(d, e));
        out[a] = Math.max(0, (e - s + st - 1) / st);
      } else {
        s = Math.max(-1, Math.min(d - 1, s));
        e = Math.max(-1, Math.min(d - 1, e));
        out[a] = Math.max(0, (s - e + (-st) - 1) / (-st));
      }
      begin[a] = s;
      step[a] = st;
    }
    long[] xs = strides(dims);
    int total = checkedCount(g, n, out, cap);
    int[] src = new int[total];
    long[] idx = new long[out.length];
    for (int p = 0; p < total; p++) {
      long off = 0;
      for (int a = 0; a < out.length; a++) {
        off += (begin[a] + idx[a] * step[a]) * xs[a];
      }
      src[p] = (int) off;
      for (int a = out.length - 1; a >= 0; a--) {
        if (++idx[a] < out[a]) {
          break;
        }
        idx[a] = 0;
      }
    }
    return pick(x, out, src);
  }

  private static Tensor concat(Graph g, Node n, long cap) {
    List<Tensor> parts = new ArrayList<>();
    for (String in : n.inputs()) {
      parts.add(g.constant(in));
    }
    Tensor first = parts.get(0);
    int axis = OnnxAttributes.axis(g, n, n.intAttr("axis", 0), first.rank());
    long[] out = first.dims();
    out[axis] = 0;
    for (Tensor t : parts) {
      if (t.rank() != first.rank()) {
        throw Geometry.fail(g, n, "inputs of ranks " + first.rank() + " and " + t.rank()
            + " cannot be concatenated, ranks must be equal");
      }
      out[axis] = Math.addExact(out[axis], t.dim(axis));
    }
    long outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= out[i];
    }
    long inner = 1;
    for (int i = axis + 1; i < out.length; i++) {
      inner *= out[i];
    }
    boolean floats = first.isFloat();
    int total = checkedCount(g, n, out, cap);
    float[] f = floats ? new float[total] : null;
    long[] l = floats ? null : new long[total];
    int p = 0;
    for (long o = 0; o < outer; o++) {
      for (Tensor t : parts) {
        long run = t.dim(axis) * inner;
        for (long i = 0; i < run; i++) {
          int s = (int) (o * run + i);
          if (floats) {
            f[p++] = (float) t.get(s);
          } else {
            l[p++] = (long) t.get(s);
          }
        }
      }
    }
    return floats ? Tensor.ofFloats(out, f) : Tensor.ofLongs(first.type(), out, l);
  }

  private static Tensor unsqueeze(Graph g, Node n, Tensor x) {
    long[] axes = g.opset() >= 13 && n.hasInput(1) ? g.constant(n.input(1)).longs()
        : n.intsAttr("axes", new long[0]);
    int rank = x.rank() + axes.length;
    boolean[] inserted = new boolean[rank];
    for (long a : axes) {
      inserted[OnnxAttributes.axis(g, n, a, rank)] = true;
    }
    long[] out = new long[rank];
    int k = 0;
    for (int i = 0; i < rank; i++) {
      out[i] = inserted[i] ? 1 : x.dim(k++);
    }
    return reshaped(x, out);
  }

  private static Tensor squeeze(Graph g, Node n, Tensor x) {
    long[] axes = g.opset() >= 13 && n.hasInput(1) ? g.constant(n.input(1)).longs()
        : n.intsAttr("axes", null);
    boolean[] drop = new boolean[x.rank()];
    if (axes == null) {
      for (int i = 0; i < drop.length; i++) {
        drop[i] = x.dim(i) == 1;
      }
    } else {
      for (long a : axes) {
        int ax = OnnxAttributes.axis(g, n, a, x.rank());
        if (x.dim(ax) != 1) {
          throw Geometry.fail(g, n, "cannot squeeze axis " + ax + " of size " + x.dim(ax)
              + ", only size-1 axes can be squeezed");
        }
        drop[ax] = true;
      }
    }
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < drop.length; i++) {
      if (!drop[i]) {
        out.add(x.dim(i));
      }
    }
    return reshaped(x, out.stream().mapToLong(Long::longValue).toArray());
  }

  private static Tensor binary(Graph g, Node n, Tensor a, Tensor b, long cap) {
    Shape s = ShapeInference.broadcast(g, n, a.shape(), b.shape());
    long[] out = s.dims();
    int total = checkedCount(g, n, out, cap);
    long[] as = bstrides(a.dims(), out.length);
    long[] bs = bstrides(b.dims(), out.length);
    boolean floats = a.isFloat() || b.isFloat();
    float[] f = floats ? new float[total] : null;
    long[] l = floats ? null : new long[total];
    long[] idx = new long[out.length];
    String op = n.opType();
    for (int p = 0; p < total; p++) {
      long ia = 0;
      long ib = 0;
      for (int d = 0; d < out.length; d++) {
        ia += idx[d] * as[d];
        ib += idx[d] * bs[d];
      }
      if (floats) {
        float x = (float) a.get((int) ia);
        float y = (float) b.get((int) ib);
        f[p] = op.equals("Add") ? x + y : op.equals("Sub") ? x - y : op.equals("Mul") ? x * y
            : x / y;
      } else {
        long x = (long) a.get((int) ia);
        long y = (long) b.get((int) ib);
        if (op.equals("Div") && y == 0) {
          throw Geometry.fail(g, n, "integer division by zero while folding constants");
        }
        l[p] = op.equals("Add") ? x + y : op.equals("Sub") ? x - y : op.equals("Mul") ? x * y
            : x / y;
      }
      for (int d = out.length - 1; d >= 0; d--) {
        if (++idx[d] < out[d]) {
          break;
        }
        idx[d] = 0;
      }
    }
    return floats ? Tensor.ofFloats(out, f) : Tensor.ofLongs(a.type(), out, l);
  }

  /** Strides of {@code dims} aligned right to {@code rank}, 0 on broadcast axes. */
  private static long[] bstrides(long[] dims, int rank) {
    long[] s = strides(dims);
    long[] out = new long[rank];
    for (int i = 0; i < dims.length; i++) {
      out[rank - dims.length + i] = dims[i] == 1 ? 0 : s[i];
    }
    return out;
  }

  private static Tensor transpose(Node n, Tensor x) {
    int r = x.rank();
    long[] perm = n.intsAttr("perm", null);
    long[] dims = x.dims();
    long[] out = new long[r];
    int[] p = new int[r];
    for (int i = 0; i < r; i++) {
      p[i] = perm == null ? r - 1 - i : (int) perm[i];
      out[i] = dims[p[i]];
    }
    long[] xs = strides(dims);
    int total = (int) x.size();
    int[] src = new int[total];
    long[] idx = new long[r];
    for (int k = 0; k < total; k++) {
      long off = 0;
      for (int a = 0; a < r; a++) {
        off += idx[a] * xs[p[a]];
      }
      src[k] = (int) off;
      for (int a = r - 1; a >= 0; a--) {
        if (++idx[a] < out[a]) {
          break;
        }
        idx[a] = 0;
      }
    }
    return pick(x, out, src);
  }

  private static Tensor unary(Node n, Tensor x) {
    if (!x.isFloat()) {
      return n.opType().equals("Neg") ? Tensor.ofLongs(x.type(), x.dims(),
          Arrays.stream(x.longs()).map(v -> -v).toArray()) : x;
    }
    float[] f = x.floats().clone();
    for (int i = 0; i < f.length; i++) {
      switch (n.opType()) {
        case "Sqrt": f[i] = (float) Math.sqrt(f[i]); break;
        case "Floor": f[i] = (float) Math.floor(f[i]); break;
        case "Ceil": f[i] = (float) Math.ceil(f[i]); break;
        default: f[i] = -f[i];
      }
    }
    return Tensor.ofFloats(x.dims(), f);
  }
}
