package io.convspark.benchmarks.model;

import io.convspark.benchmarks.model.OnnxWriter.Attr;
import java.util.SplittableRandom;

/**
 * Layer-by-layer CNN builder with seeded weights, written the way torchvision's ONNX export
 * writes it (Conv without bias, BatchNormalization, Relu or Clip, Add, GlobalAveragePool,
 * Flatten, Gemm), so the compiler's BN fusion runs. Weights are He-scaled and BN statistics
 * near (mean 0, var 1) so activations stay O(1): no denormals, no overflow.
 */
final class NetBuilder {
  private final OnnxWriter w = new OnnxWriter(13);
  private final SplittableRandom rnd;
  private int id;
  /** Learnable parameters as torchvision counts them (BN gamma/beta, not running stats). */
  private long params;

  NetBuilder(long seed, long... inputDims) {
    this.rnd = new SplittableRandom(seed);
    w.input("input", inputDims);
  }

  private String fresh(String prefix) {
    return prefix + "_" + id++;
  }

  private float[] uniform(int n, double scale, double offset) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale + offset);
    }
    return v;
  }

  private String init(String prefix, long[] dims, float[] data) {
    String name = fresh(prefix);
    w.initializer(name, dims, data);
    return name;
  }

  private String node(String op, String[] in, Attr... attrs) {
    String y = fresh(op.toLowerCase(java.util.Locale.ROOT));
    w.node(y, op, in, new String[] {y}, attrs);
    return y;
  }

  /** Conv without bias (it precedes a BN), padding k/2. */
  String conv(String x, int inC, int outC, int k, int stride, int groups) {
    int n = outC * (inC / groups) * k * k;
    params += n;
    String wt = init("w", new long[] {outC, inC / groups, k, k},
        uniform(n, Math.sqrt(6.0 / (inC / groups * k * k)), 0));
    int p = k / 2;
    return node("Conv", new String[] {x, wt}, Attr.ints("kernel_shape", k, k),
        Attr.ints("strides", stride, stride), Attr.ints("pads", p, p, p, p),
        Attr.i("group", groups));
  }

  String bn(String x, int c) {
    params += 2L * c;
    String[] in = {x, init("gamma", new long[] {c}, uniform(c, 0.2, 1.0)),
        init("beta", new long[] {c}, uniform(c, 0.1, 0)),
        init("mean", new long[] {c}, uniform(c, 0.1, 0)),
        init("var", new long[] {c}, uniform(c, 0.2, 1.0))};
    return node("BatchNormalization", in, Attr.f("epsilon", 1e-5f));
  }

  String convBn(String x, int inC, int outC, int k, int stride, int groups) {
    return bn(conv(x, inC, outC, k, stride, groups), outC);
  }

  String relu(String x) {
    return node("Relu", new String[] {x});
  }

  /** ReLU6 as opset-13 Clip(x, 0, 6), as torch.onnx writes nn.ReLU6. */
  String relu6(String x) {
    return node("Clip", new String[] {x, init("min", new long[0], new float[] {0}),
        init("max", new long[0], new float[] {6})});
  }

  String add(String a, String b) {
    return node("Add", new String[] {a, b});
  }

  String maxPool(String x, int k, int stride, int pad) {
    return node("MaxPool", new String[] {x}, Attr.ints("kernel_shape", k, k),
        Attr.ints("strides", stride, stride), Attr.ints("pads", pad, pad, pad, pad));
  }

  /** GlobalAveragePool, Flatten, Gemm(transB): torchvision's classifier head. */
  String head(String x, int in, int classes) {
    String f = node("Flatten", new String[] {node("GlobalAveragePool", new String[] {x})},
        Attr.i("axis", 1));
    params += (long) in * classes + classes;
    String wt = init("fc_w", new long[] {classes, in},
        uniform(in * classes, Math.sqrt(3.0 / in), 0));
    String b = init("fc_b", new long[] {classes}, uniform(classes, 0.1, 0));
    return node("Gemm", new String[] {f, wt, b}, Attr.i("transB", 1));
  }

  long params() {
    return params;
  }

  byte[] finish(String output) {
    w.output(output);
    return w.toBytes();
  }
}
