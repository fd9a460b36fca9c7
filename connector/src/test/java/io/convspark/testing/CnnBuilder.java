package io.convspark.testing;

import io.convspark.graph.Attribute;
import java.util.SplittableRandom;

/**
 * Builds small CNNs as ONNX bytes with seeded weights and non-trivial BatchNorm statistics,
 * layer by layer: each method adds nodes and returns the name of the value it produced.
 */
public final class CnnBuilder {
  private final OnnxModelBuilder b;
  private final SplittableRandom rnd;
  private int id;

  public CnnBuilder(long opset, long seed, String input, long... dims) {
    this.b = new OnnxModelBuilder(opset).input(input, dims);
    this.rnd = new SplittableRandom(seed);
  }

  private String fresh(String prefix) {
    return prefix + "_" + (id++);
  }

  private float[] values(int n, double scale, double offset) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale + offset);
    }
    return v;
  }

  /** Conv with He-like scaled weights (so activations stay O(1)) and a bias. */
  public String conv(String x, int inC, int outC, int k, int stride, int pad, int groups) {
    String w = fresh("w");
    String bias = fresh("b");
    int fanIn = inC / groups * k * k;
    b.initializer(w, new long[] {outC, inC / groups, k, k},
        values(outC * (inC / groups) * k * k, Math.sqrt(3.0 / fanIn), 0));
    b.initializer(bias, new long[] {outC}, values(outC, 0.1, 0));
    String y = fresh("conv");
    b.node(y, "Conv", new String[] {x, w, bias}, new String[] {y},
        Attribute.ofInts("kernel_shape", k, k), Attribute.ofInts("strides", stride, stride),
        Attribute.ofInts("pads", pad, pad, pad, pad), Attribute.ofInt("group", groups));
    return y;
  }

  public String bn(String x, int c) {
    String[] p = {fresh("gamma"), fresh("beta"), fresh("mean"), fresh("var")};
    b.initializer(p[0], new long[] {c}, values(c, 0.3, 1.0));
    b.initializer(p[1], new long[] {c}, values(c, 0.2, 0));
    b.initializer(p[2], new long[] {c}, values(c, 0.2, 0));
    b.initializer(p[3], new long[] {c}, values(c, 0.4, 1.0));
    String y = fresh("bn");
    b.node(y, "BatchNormalization", new String[] {x, p[0], p[1], p[2], p[3]}, new String[] {y},
        Attribute.ofFloat("epsilon", 1e-5f));
    return y;
  }

  public String unary(String op, String x, Attribute... attrs) {
    String y = fresh(op.toLowerCase(java.util.Locale.ROOT));
    b.node(y, op, new String[] {x}, new String[] {y}, attrs);
    return y;
  }

  public String relu(String x) {
    return unary("Relu", x);
  }

  /** ReLU6 as opset-11+ Clip with constant min/max inputs. */
  public String relu6(String x) {
    String lo = fresh("min");
    String hi = fresh("max");
    b.initializer(lo, new long[0], new float[] {0f});
    b.initializer(hi, new long[0], new float[] {6f});
    String y = fresh("clip");
    b.node(y, "Clip", new String[] {x, lo, hi}, new String[] {y});
    return y;
  }

  /** HardSwish spelled x * Clip(x + 3, 0, 6) / 6, as paddle2onnx writes it. */
  public String hardSwishSpelled(String x) {
    String three = scalar(3f);
    String six = scalar(6f);
    String added = binary("Add", x, three);
    String clipped = relu6(added);
    String mul = binary("Mul", x, clipped);
    return binary("Div", mul, six);
  }

  public String scalar(float v) {
    String name = fresh("const");
    b.initializer(name, new long[0], new float[] {v});
    return name;
  }

  public String binary(String op, String a, String c) {
    String y = fresh(op.toLowerCase(java.util.Locale.ROOT));
    b.node(y, op, new String[] {a, c}, new String[] {y});
    return y;
  }

  public String concat(String... xs) {
    String y = fresh("concat");
    b.node(y, "Concat", xs, new String[] {y}, Attribute.ofInt("axis", 1));
    return y;
  }

  public String maxPool(String x, int k, int s, int p) {
    String y = fresh("maxpool");
    b.node(y, "MaxPool", new String[] {x}, new String[] {y}, Attribute.ofInts("kernel_shape", k, k),
        Attribute.ofInts("strides", s, s), Attribute.ofInts("pads", p, p, p, p));
    return y;
  }

  public String globalAveragePool(String x) {
    return unary("GlobalAveragePool", x);
  }

  public String flatten(String x) {
    return unary("Flatten", x, Attribute.ofInt("axis", 1));
  }

  /** Gemm with transB (PyTorch Linear). */
  public String linear(String x, int in, int out) {
    String w = fresh("fc_w");
    String bias = fresh("fc_b");
    b.initializer(w, new long[] {out, in}, values(out * in, Math.sqrt(3.0 / in), 0));
    b.initializer(bias, new long[] {out}, values(out, 0.1, 0));
    String y = fresh("gemm");
    b.node(y, "Gemm", new String[] {x, w, bias}, new String[] {y}, Attribute.ofInt("transB", 1));
    return y;
  }

  public CnnBuilder output(String name) {
    b.output(name);
    return this;
  }

  public OnnxModelBuilder onnx() {
    return b;
  }

  public byte[] toBytes() {
    return b.toBytes();
  }
}
