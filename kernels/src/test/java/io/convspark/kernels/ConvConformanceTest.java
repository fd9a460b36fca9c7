package io.convspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.internal.KernelSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every conv in shapes/conv.txt, on every provider, against the naive reference. */
class ConvConformanceTest {
  private static final int GUARD = 7;
  private static final WorkerPool twoThreads = TestPools.PARALLEL;
  private static final WorkerPool oneThread = TestPools.SINGLE;



  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (ShapeCatalog.ConvCase c : ShapeCatalog.conv("conv.txt")) {
      for (KernelSupport ks : Providers.all()) {
        out.add(Arguments.of(c, ks));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} [{1}]")
  @MethodSource("cases")
  void matchesReference(ShapeCatalog.ConvCase c, KernelSupport ks) {
    Conv2dShape s = c.shape();
    int n = c.batch();
    Epilogue e = c.epilogue();
    long seed = s.descriptor().hashCode();
    float[] x = TensorAssert.random(seed, (int) (n * s.inputCount()));
    float[] w = TensorAssert.random(seed + 1, (int) s.weightCount());
    float[] bias = TensorAssert.random(seed + 2, s.outC());
    int outLen = (int) (n * s.outputCount());
    float[] res = e.hasResidual() ? TensorAssert.random(seed + 3, outLen) : null;
    double[] ref = ReferenceConv.conv(s, n, x, w, bias, e, res);

    // Weights in a store behind another plan's slice, so they start at a nonzero offset.
    WeightStore store = new WeightStore();
    store.place(new float[7]);
    Conv2dPlan plan = Conv2dPlan.create(s, w, bias, e, ks, store);
    float[] first = run(plan, twoThreads, x, res, n, outLen, c + " [" + ks.name() + "] " + plan);
    TensorAssert.assertClose(c + " [" + ks.name() + "] " + plan + " seed " + seed, ref, first,
        GUARD);
    float[] second = run(plan, oneThread, x, res, n, outLen, c.toString());
    assertArrayEquals(first, second, "1 and 2 threads must give identical bits: " + c);
  }

  /**
   * FMA order, clamps and the float exp are shared, so SIMD and scalar agree bit for bit when
   * their panels are equally wide (16 lanes); a forced 128-bit run picks other algorithms.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("catalog")
  void simdAndScalarGiveIdenticalBits(ShapeCatalog.ConvCase c) {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        io.convspark.kernels.internal.KernelProvider.get().lanes()
            == io.convspark.kernels.internal.KernelProvider.scalar().lanes(),
        "panel widths differ, so the providers choose different algorithms");
    Conv2dShape s = c.shape();
    int n = c.batch();
    long seed = s.descriptor().hashCode() * 31L;
    float[] x = TensorAssert.random(seed, (int) (n * s.inputCount()));
    float[] w = TensorAssert.random(seed + 1, (int) s.weightCount());
    float[] bias = TensorAssert.random(seed + 2, s.outC());
    int outLen = (int) (n * s.outputCount());
    float[] res = c.epilogue().hasResidual() ? TensorAssert.random(seed + 3, outLen) : null;
    float[] active = run(Conv2dPlan.create(s, w, bias, c.epilogue()), twoThreads, x, res, n,
        outLen, c.toString());
    float[] scalar = run(Conv2dPlan.create(s, w, bias, c.epilogue(),
        io.convspark.kernels.internal.KernelProvider.scalar()), twoThreads, x, res, n, outLen,
        c.toString());
    assertArrayEquals(scalar, active, c + ": active provider differs from scalar");
  }

  /**
   * Reductions over more than 2048 steps of a 4-vector block run in slices through the output.
   * Every provider must match the unsliced scalar arithmetic bit for bit where panels are equally
   * wide, and the reference within a tolerance widened for a 2000-term float sum.
   */
  @ParameterizedTest(name = "{0} [{1}]")
  @MethodSource("slicedCases")
  void slicedReductionsKeepTheirBits(String descriptor, KernelSupport ks) {
    Conv2dShape s = Conv2dShape.parse(descriptor);
    int n = 2;
    Epilogue e = Epilogue.of(Activation.relu6(), Epilogue.Residual.BEFORE_ACTIVATION);
    long seed = descriptor.hashCode();
    float[] x = TensorAssert.random(seed, (int) (n * s.inputCount()));
    float[] w = TensorAssert.random(seed + 1, (int) s.weightCount());
    float[] bias = TensorAssert.random(seed + 2, s.outC());
    int outLen = (int) (n * s.outputCount());
    float[] res = TensorAssert.random(seed + 3, outLen);
    double[] ref = ReferenceConv.conv(s, n, x, w, bias, e, res);
    Conv2dPlan plan = Conv2dPlan.create(s, w, bias, e, ks, new WeightStore());
    float[] sliced = run(plan, twoThreads, x, res, n, outLen, descriptor);
    TensorAssert.assertClose(descriptor + " [" + ks.name() + "]", ref, sliced, GUARD, 1e-4, 1e-4);
    if (ks.lanes() == io.convspark.kernels.internal.KernelProvider.scalar().lanes()) {
      float[] scalar = run(Conv2dPlan.create(s, w, bias, e,
          io.convspark.kernels.internal.KernelProvider.scalar()), oneThread, x, res, n, outLen,
          descriptor);
      assertArrayEquals(scalar, sliced, descriptor + " [" + ks.name() + "] differs from scalar");
    }
  }

  /**
   * Sliding convs read the input split into padded group planes (pixels L floats apart); a
   * group wider than L goes direct.
   */
  @Test
  void slidingConvsReadGroupPlanes() {
    for (String d : new String[] {"ih93iw131ic32oc32kh3kw3sh2sw2p1_1_1_1dh1dw1g2",
        "ih61iw67ic64oc64kh3kw3sh1sw1p1_1_1_1dh1dw1g4",
        "ih97iw101ic48oc48kh3kw3sh2sw2p2_1_2_1dh2dw1g3"}) {
      Conv2dShape s = Conv2dShape.parse(d);
      for (KernelSupport ks : Providers.all()) {
        Conv2dPlan p = Conv2dPlan.create(s, new float[(int) s.weightCount()], null,
            Epilogue.NONE, ks);
        boolean fits = s.inChannelsPerGroup() <= ks.lanes()
            && s.outChannelsPerGroup() <= ks.lanes();
        assertEquals(fits ? Conv2dPlan.Algorithm.SLIDING : Conv2dPlan.Algorithm.DIRECT,
            p.algorithm(), p.toString());
        if (fits) {
          long planes = (long) s.groups() * (s.inH() + s.padTop() + s.padBottom())
              * (s.inW() + s.padLeft() + s.padRight()) * ks.lanes();
          assertEquals(planes, p.scratchFloats(), p.toString());
        }
      }
    }
  }

  static Stream<Arguments> slicedCases() {
    List<Arguments> out = new ArrayList<>();
    // K = 2160 (3 slices), 5x7 outputs: row-crossing tiles and a one-pixel tail; 70 channels:
    // a 4-vector block (sliced) and a 1-vector block (not); stride 2 with K = 2070.
    for (String d : new String[] {"ih5iw7ic240oc64kh3kw3sh1sw1p1_1_1_1dh1dw1g1",
        "ih4iw6ic230oc70kh3kw3sh2sw2p1_1_1_1dh1dw1g1"}) {
      for (KernelSupport ks : Providers.all()) {
        out.add(Arguments.of(d, ks));
      }
    }
    return out.stream();
  }

  static Stream<ShapeCatalog.ConvCase> catalog() {
    return ShapeCatalog.conv("conv.txt").stream();
  }

  private static float[] run(Conv2dPlan plan, WorkerPool pool, float[] x, float[] res, int n,
      int outLen, String what) {
    float[] out = TensorAssert.poisoned(outLen + 2 * GUARD);
    float[] scratch = TensorAssert.poisoned((int) plan.scratchFloats() * n + 3);
    // Inputs at an offset too, so that offset arithmetic is exercised.
    float[] xin = new float[x.length + 5];
    System.arraycopy(x, 0, xin, 5, x.length);
    float[] rin = null;
    if (res != null) {
      rin = new float[res.length + 3];
      System.arraycopy(res, 0, rin, 3, res.length);
    }
    plan.execute(pool, xin, 5, out, GUARD, rin, 3, n, scratch, 3);
    TensorAssert.assertUntouched(what, out, GUARD, outLen);
    assertEquals(x.length + 5, xin.length);
    return out;
  }
}
