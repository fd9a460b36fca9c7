package io.convspark.kernels;

import static io.convspark.kernels.ConformanceSupport.OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.convspark.kernels.ElementwisePlan.Broadcast;
import io.convspark.kernels.ElementwisePlan.Op;
import io.convspark.kernels.internal.KernelSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Binary ops with broadcasting, fused activations and BatchNorm against the double reference. */
class ElementwiseConformanceTest {
  private static final long SEED = 0xE1E_2024L;
  private static final WorkerPool parallel = TestPools.PARALLEL;
  private static final WorkerPool single = TestPools.SINGLE;

  /** Every activation kind, with non-default parameters where it has them. */
  private static final List<Activation> ACTIVATIONS = List.of(Activation.NONE, Activation.RELU,
      Activation.clip(-0.25f, 0.5f), Activation.leakyRelu(0.1f), Activation.hardSigmoid(0.2f, 0.5f),
      Activation.HARD_SWISH, Activation.SIGMOID, Activation.SILU);

  /** H, W, C: channel tails, prime sizes, and one image spanning several work blocks. */
  private static final int[][] DIMS = {{7, 13, 1}, {13, 7, 17}, {3, 5, 33}, {1, 1, 3},
      {32, 29, 33}, {4, 4, 16}};



  private static String dims(int[] d) {
    return "h" + d[0] + "w" + d[1] + "c" + d[2];
  }

  static List<Arguments> binaryCases() {
    List<Arguments> cases = new ArrayList<>();
    for (Named<KernelSupport> ks : ConformanceSupport.providers()) {
      int k = 0;
      for (int[] d : DIMS) {
        for (Op op : Op.values()) {
          for (Broadcast b : Broadcast.values()) {
            int batch = (k & 1) == 0 ? 1 : 3;
            Activation act = ACTIVATIONS.get(k++ % ACTIVATIONS.size());
            cases.add(Arguments.of(ks, Named.of(dims(d) + "n" + batch + "_" + op + "_" + b + "_"
                + act.kind(), d), op, b, act, batch));
          }
        }
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("binaryCases")
  void binaryWithBroadcast(KernelSupport ks, int[] d, Op op, Broadcast broadcast, Activation act,
      int batch) {
    ElementwisePlan plan = ElementwisePlan.create(op, broadcast, d[0], d[1], d[2], act, ks);
    int pixels = d[0] * d[1];
    int n = batch * pixels * d[2];
    long seed = SEED + d[0] * 10007L + d[1] * 101L + d[2] + op.ordinal() * 7 + batch;
    float[] a = ConformanceSupport.embed(TensorAssert.random(seed, n));
    float[] bData = TensorAssert.random(seed + 1, (int) plan.operandCount(batch));
    if (op == Op.DIV) {
      for (int i = 0; i < bData.length; i++) {
        bData[i] = 1.5f + bData[i]; // divisors in [0.5, 2.5)
      }
    }
    float[] b = ConformanceSupport.embed(bData);
    double[] ref = ReferenceElementwise.binary(op, broadcast, act, a, OFFSET, b, OFFSET, batch,
        pixels, d[2]);
    String what = op + " " + broadcast + " " + act + " " + dims(d) + " batch " + batch + " on "
        + ks.name() + " (seed " + seed + ")";
    float[] out = ConformanceSupport.runOnBothPools(what, parallel, single, n,
        (pool, o) -> plan.execute(pool, a, OFFSET, b, OFFSET, o, OFFSET, batch));
    TensorAssert.assertClose(what, ref, out, OFFSET);
  }

  static List<Arguments> activationCases() {
    List<Arguments> cases = new ArrayList<>();
    for (Named<KernelSupport> ks : ConformanceSupport.providers()) {
      for (Activation act : ACTIVATIONS) {
        cases.add(Arguments.of(ks, Named.of(act.kind().toString(), act)));
      }
    }
    return cases;
  }

  /** In place (out is A) on 33 x 17 values scaled to [-8, 8), so clamps and exp tails are hit. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("activationCases")
  void addInPlaceWithActivation(KernelSupport ks, Activation act) {
    int[] d = {3, 11, 17};
    int n = 3 * d[0] * d[1] * d[2];
    float[] aData = TensorAssert.random(SEED, n);
    for (int i = 0; i < n; i++) {
      aData[i] *= 8;
    }
    float[] b = ConformanceSupport.embed(TensorAssert.random(SEED + 1, n));
    ElementwisePlan plan = ElementwisePlan.create(Op.ADD, Broadcast.SAME, d[0], d[1], d[2], act,
        ks);
    float[] ref0 = ConformanceSupport.embed(aData);
    double[] ref = ReferenceElementwise.binary(Op.ADD, Broadcast.SAME, act, ref0, OFFSET, b,
        OFFSET, 3, d[0] * d[1], d[2]);
    String what = "in-place ADD " + act + " on " + ks.name();
    float[] out = ConformanceSupport.runOnBothPools(what, parallel, single, n, (pool, o) -> {
      System.arraycopy(aData, 0, o, OFFSET, n);
      plan.execute(pool, o, OFFSET, b, OFFSET, o, OFFSET, 3);
    });
    TensorAssert.assertClose(what, ref, out, OFFSET);
  }

  static List<Arguments> affineCases() {
    List<Arguments> cases = new ArrayList<>();
    for (Named<KernelSupport> ks : ConformanceSupport.providers()) {
      int k = 0;
      for (int[] d : DIMS) {
        int batch = (k & 1) == 0 ? 1 : 3;
        Activation act = ACTIVATIONS.get(k++ * 3 % ACTIVATIONS.size());
        cases.add(Arguments.of(ks, Named.of(dims(d) + "n" + batch + "_" + act.kind(), d), act,
            batch));
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("affineCases")
  void channelAffine(KernelSupport ks, int[] d, Activation act, int batch) {
    int n = batch * d[0] * d[1] * d[2];
    long seed = SEED + d[0] * 10007L + d[1] * 101L + d[2] + batch;
    float[] x = ConformanceSupport.embed(TensorAssert.random(seed, n));
    float[] scale = TensorAssert.random(seed + 1, d[2]);
    float[] shift = TensorAssert.random(seed + 2, d[2]);
    ChannelAffinePlan plan = ChannelAffinePlan.create(d[0], d[1], scale, shift, act, ks);
    double[] ref = ReferenceElementwise.affine(x, OFFSET, n, scale, shift, act);
    String what = "ChannelAffine " + act + " " + dims(d) + " batch " + batch + " on " + ks.name()
        + " (seed " + seed + ")";
    float[] out = ConformanceSupport.runOnBothPools(what, parallel, single, n,
        (pool, o) -> plan.execute(pool, x, OFFSET, o, OFFSET, batch));
    TensorAssert.assertClose(what, ref, out, OFFSET);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("affineCases")
  void batchNormalization(KernelSupport ks, int[] d, Activation act, int batch) {
    int n = batch * d[0] * d[1] * d[2];
    long seed = SEED + d[0] * 10007L + d[1] * 101L + d[2] + batch;
    float[] x = ConformanceSupport.embed(TensorAssert.random(seed, n));
    float[] gamma = TensorAssert.random(seed + 1, d[2]);
    float[] beta = TensorAssert.random(seed + 2, d[2]);
    float[] mean = TensorAssert.random(seed + 3, d[2]);
    float[] var = TensorAssert.random(seed + 4, d[2]);
    for (int i = 0; i < var.length; i++) {
      var[i] = var[i] + 1.25f; // variances in [0.25, 2.25)
    }
    ChannelAffinePlan plan = ChannelAffinePlan.fromBatchNorm(d[0], d[1], gamma, beta, mean, var,
        1e-5f, act, ks);
    double[] ref = ReferenceElementwise.batchNorm(x, OFFSET, n, gamma, beta, mean, var, 1e-5f,
        act);
    String what = "BatchNormalization " + act + " " + dims(d) + " batch " + batch + " on "
        + ks.name() + " (seed " + seed + ")";
    float[] out = ConformanceSupport.runOnBothPools(what, parallel, single, n,
        (pool, o) -> plan.execute(pool, x, OFFSET, o, OFFSET, batch));
    TensorAssert.assertClose(what, ref, out, OFFSET);
  }

  @Test
  void rejectsNonPositiveChannels() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ElementwisePlan.create(Op.MUL, Broadcast.CHANNEL, 7, 7, 0, Activation.NONE));
    assertEquals("cannot plan Mul: input 7x7x0 (HxWxC), dimensions must be positive",
        e.getMessage());
  }

  @Test
  void rejectsMismatchedBatchNormVectors() {
    float[] four = new float[4];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ChannelAffinePlan.fromBatchNorm(7, 7, four, four, new float[3], four, 1e-5f,
            Activation.NONE));
    assertEquals("cannot plan BatchNormalization: scale, B, mean, var have 4, 4, 3, 4 values,"
        + " must all have one per channel", e.getMessage());
  }
}
