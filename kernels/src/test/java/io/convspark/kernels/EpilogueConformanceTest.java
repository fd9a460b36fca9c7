package io.convspark.kernels;

import io.convspark.kernels.internal.KernelSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every activation x residual mode, on the direct, GEMM and depthwise algorithms. */
class EpilogueConformanceTest {
  static Stream<Arguments> cases() {
    String[] acts = {"none", "relu", "relu6", "clip", "leaky", "hardsigmoid", "hardswish",
        "sigmoid", "silu"};
    String[] shapes = {
        "ih9iw7ic21oc35kh3kw3sh1sw1p1_1_1_1dh1dw1g1",
        "ih5iw7ic20oc37kh1kw1sh1sw1p0_0_0_0dh1dw1g1",
        "ih9iw11ic35oc35kh3kw3sh1sw1p1_1_1_1dh1dw1g35"};
    List<Arguments> out = new ArrayList<>();
    for (KernelSupport ks : Providers.all()) {
      for (String s : shapes) {
        for (String a : acts) {
          for (Epilogue.Residual r : Epilogue.Residual.values()) {
            out.add(Arguments.of(s, a, r, ks));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} residual={2} [{3}]")
  @MethodSource("cases")
  void matchesReference(String descriptor, String act, Epilogue.Residual r, KernelSupport ks) {
    Conv2dShape s = ShapeCatalog.parseConv(descriptor);
    Epilogue e = Epilogue.of(ShapeCatalog.activation(act), r);
    long seed = descriptor.hashCode() ^ act.hashCode();
    int n = 2;
    float[] x = TensorAssert.random(seed, (int) (n * s.inputCount()));
    float[] w = TensorAssert.random(seed + 1, (int) s.weightCount());
    float[] b = TensorAssert.random(seed + 2, s.outC());
    int len = (int) (n * s.outputCount());
    float[] res = e.hasResidual() ? TensorAssert.random(seed + 3, len) : null;
    double[] ref = ReferenceConv.conv(s, n, x, w, b, e, res);
    Conv2dPlan plan = Conv2dPlan.create(s, w, b, e, ks);
    float[] out = TensorAssert.poisoned(len);
    float[] scratch = TensorAssert.poisoned((int) plan.scratchFloats() * n);
    try (WorkerPool pool = WorkerPool.create(2)) {
      plan.execute(pool, x, 0, out, 0, res, 0, n, scratch, 0);
    }
    TensorAssert.assertClose(plan + " " + e, ref, out, 0);
  }
}
