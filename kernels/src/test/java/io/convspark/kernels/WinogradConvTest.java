package io.convspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.convspark.kernels.internal.KernelSupport;
import org.junit.jupiter.api.Test;

/**
 * Winograd F(2x2, 3x3): where the planner picks it, deep reductions against the reference, and
 * its per-worker buffers. The catalog (shapes/conv.txt) covers edges, tails and epilogues.
 */
class WinogradConvTest {
  @Test
  void chosenForDenseStrideOne3x3UpTo512Channels() {
    String[] winograd = {"ih56iw56ic64oc64kh3kw3sh1sw1p1_1_1_1dh1dw1g1",
        "ih14iw14ic256oc256kh3kw3sh1sw1p1_1_1_1dh1dw1g1",
        "ih7iw7ic512oc512kh3kw3sh1sw1p1_1_1_1dh1dw1g1"};
    // A 6x6 output; stride 2; dilation 2; groups; a 3-channel stem; more than 512 outputs.
    String[] not = {"ih6iw6ic64oc64kh3kw3sh1sw1p1_1_1_1dh1dw1g1",
        "ih28iw28ic64oc64kh3kw3sh2sw2p1_1_1_1dh1dw1g1",
        "ih28iw28ic64oc64kh3kw3sh1sw1p2_2_2_2dh2dw2g1",
        "ih28iw28ic64oc64kh3kw3sh1sw1p1_1_1_1dh1dw1g4",
        "ih28iw28ic3oc32kh3kw3sh1sw1p1_1_1_1dh1dw1g1",
        "ih14iw14ic8oc1024kh3kw3sh1sw1p1_1_1_1dh1dw1g1"};
    for (String d : winograd) {
      assertEquals(Conv2dPlan.Algorithm.WINOGRAD, algorithm(d), d);
    }
    for (String d : not) {
      assertNotEquals(Conv2dPlan.Algorithm.WINOGRAD, algorithm(d), d);
    }
  }

  @Test
  void systemPropertyTurnsItOff() {
    String d = "ih56iw56ic64oc64kh3kw3sh1sw1p1_1_1_1dh1dw1g1";
    System.setProperty(WinogradConv.PROPERTY, "false");
    try {
      assertEquals(Conv2dPlan.Algorithm.DIRECT, algorithm(d));
    } finally {
      System.clearProperty(WinogradConv.PROPERTY);
    }
    assertEquals(Conv2dPlan.Algorithm.WINOGRAD, algorithm(d));
  }

  /**
   * ResNet-50's third stage, reduction 256 x 9 over transformed values: within 1e-4 of the
   * double reference (float accumulation over 2304 terms, as for the sliced direct convs), with
   * 1 and 2 threads giving the same bits.
   */
  @Test
  void deepReductionMatchesTheReference() {
    Conv2dShape s = ShapeCatalog.parseConv("ih14iw14ic256oc256kh3kw3sh1sw1p1_1_1_1dh1dw1g1");
    int n = 2;
    Epilogue e = Epilogue.of(Activation.RELU, Epilogue.Residual.BEFORE_ACTIVATION);
    float[] x = TensorAssert.random(11, (int) (n * s.inputCount()));
    float[] w = TensorAssert.random(12, (int) s.weightCount());
    float[] bias = TensorAssert.random(13, s.outC());
    float[] res = TensorAssert.random(14, (int) (n * s.outputCount()));
    double[] ref = ReferenceConv.conv(s, n, x, w, bias, e, res);
    for (KernelSupport ks : Providers.all()) {
      Conv2dPlan plan = Conv2dPlan.create(s, w, bias, e, ks);
      float[] two = run(plan, TestPools.PARALLEL, x, res, n);
      TensorAssert.assertClose(plan.toString(), ref, two, 0, 1e-4, 1e-4);
      assertArrayEquals(two, run(plan, TestPools.SINGLE, x, res, n), plan.toString());
    }
  }

  /**
   * The chunk buffers live in the pool, one per worker, made on first use and reused after;
   * the plan asks the caller for no scratch.
   */
  @Test
  void chunkBuffersArePerWorkerAndReused() {
    Conv2dShape s = ShapeCatalog.parseConv("ih20iw18ic24oc40kh3kw3sh1sw1p1_1_1_1dh1dw1g1");
    Conv2dPlan plan = Conv2dPlan.create(s, TensorAssert.random(1, (int) s.weightCount()), null,
        Epilogue.of(Activation.RELU));
    assertEquals(0, plan.scratchFloats());
    try (WorkerPool pool = WorkerPool.create(2)) {
      float[] x = TensorAssert.random(2, (int) (2 * s.inputCount()));
      float[] out = new float[(int) (2 * s.outputCount())];
      plan.execute(pool, x, 0, out, 0, null, 0, 2, new float[0], 0);
      float[] first = pool.call().workerScratch(0, 1);
      float[] second = pool.call().workerScratch(1, 1);
      assertNotSame(first, second);
      plan.execute(pool, x, 0, out, 0, null, 0, 2, new float[0], 0);
      assertSame(first, pool.call().workerScratch(0, first.length));
      assertSame(second, pool.call().workerScratch(1, second.length));
      assertNotSame(first, pool.call().workerScratch(0, first.length + 1), "grows when short");
    }
  }

  private static Conv2dPlan.Algorithm algorithm(String descriptor) {
    Conv2dShape s = ShapeCatalog.parseConv(descriptor);
    return Conv2dPlan.create(s, new float[(int) s.weightCount()], null, Epilogue.NONE)
        .algorithm();
  }

  private static float[] run(Conv2dPlan plan, WorkerPool pool, float[] x, float[] res, int n) {
    Conv2dShape s = plan.shape();
    float[] out = TensorAssert.poisoned((int) (n * s.outputCount()));
    plan.execute(pool, x, 0, out, 0, res, 0, n, new float[(int) plan.scratchFloats() * n], 0);
    return out;
  }
}
