package io.convspark.kernels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.internal.KernelSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ONNX Gemm semantics: transB, alpha, beta, C as scalar, [N] or full [M,N]. */
class FullyConnectedConformanceTest {
  static Stream<Arguments> cases() {
    int[][] mkn = {{1, 37, 10}, {3, 16, 1000}, {5, 129, 17}, {13, 64, 64}, {49, 7, 3}};
    List<Arguments> out = new ArrayList<>();
    for (KernelSupport ks : Providers.all()) {
      for (int[] d : mkn) {
        out.add(Arguments.of(d[0], d[1], d[2], true, 1f, 1f, "bias", ks));
        out.add(Arguments.of(d[0], d[1], d[2], false, 0.5f, 2f, "scalar", ks));
      }
      out.add(Arguments.of(7, 19, 33, true, 1.5f, 1f, "full", ks));
      out.add(Arguments.of(4, 20, 5, false, 1f, 1f, "none", ks));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "M{0}K{1}N{2} transB={3} alpha={4} beta={5} C={6} [{7}]")
  @MethodSource("cases")
  void matchesReference(int m, int k, int n, boolean transB, float alpha, float beta, String c,
      KernelSupport ks) {
    long seed = 31L * m + 7L * k + n;
    float[] a = TensorAssert.random(seed, m * k);
    float[] b = TensorAssert.random(seed + 1, k * n);
    float[] cv = c.equals("bias") ? TensorAssert.random(seed + 2, n)
        : c.equals("scalar") ? new float[] {0.25f} : null;
    float[] full = c.equals("full") ? TensorAssert.random(seed + 3, m * n) : null;
    double[] ref = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double acc = 0;
        for (int p = 0; p < k; p++) {
          acc += (double) a[i * k + p] * (transB ? b[j * k + p] : b[p * n + j]);
        }
        double cc = cv == null ? 0 : cv[cv.length == 1 ? 0 : j];
        if (full != null) {
          cc = full[i * n + j];
        }
        ref[i * n + j] = Math.max(0, alpha * acc + beta * cc);
      }
    }
    FullyConnectedPlan plan = FullyConnectedPlan.create(k, n, b, transB, alpha, cv, beta,
        Activation.RELU, full != null, ks);
    float[] y = TensorAssert.poisoned(m * n + 4);
    try (WorkerPool pool = WorkerPool.create(2)) {
      plan.execute(pool, a, 0, y, 2, full, 0, m);
    }
    TensorAssert.assertClose("Gemm M" + m + "K" + k + "N" + n, ref, y, 2);
    TensorAssert.assertUntouched("Gemm", y, 2, m * n);
  }

  @Test
  void rejectsWrongWeightLength() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FullyConnectedPlan.create(4, 3, new float[11], true, 1f, null, 1f,
            Activation.NONE, false));
    assertTrue(e.getMessage().contains("B has 11 floats, K*N = 12"), e.getMessage());
  }
}
