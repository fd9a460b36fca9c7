package io.convspark.kernels;

import static io.convspark.kernels.ConformanceSupport.OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.convspark.kernels.internal.KernelSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** MaxPool, AveragePool and global pooling against {@link ReferencePooling}, for every provider. */
class PoolingConformanceTest {
  private static final long SEED = 0x5EED_2024L;
  private static final WorkerPool parallel = TestPools.PARALLEL;
  private static final WorkerPool single = TestPools.SINGLE;



  private static Pool2dShape shape(int inH, int inW, int c, int kh, int kw, int sh, int sw,
      int pt, int pl, int pb, int pr, int d, boolean ceil) {
    return new Pool2dShape(inH, inW, c, kh, kw, sh, sw, pt, pl, pb, pr, d, d, ceil);
  }

  /** Tails (C = 1, 3, 17, 33, 67), prime sizes, asymmetric pads, ceil mode, dilation 2. */
  static List<Pool2dShape> windows() {
    return List.of(
        shape(7, 7, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, false),
        shape(13, 7, 17, 3, 2, 2, 1, 1, 0, 0, 1, 1, true),
        shape(13, 13, 33, 3, 3, 2, 2, 1, 1, 1, 1, 1, true),
        shape(13, 11, 3, 3, 3, 1, 1, 2, 1, 0, 2, 2, false),
        shape(7, 13, 33, 2, 3, 2, 2, 0, 1, 1, 0, 2, true),
        shape(7, 7, 16, 7, 7, 1, 1, 0, 0, 0, 0, 1, false),
        // ceil mode would add a window starting in the end pad: the rule drops it (out 4x4)
        shape(7, 7, 17, 2, 2, 2, 2, 1, 1, 1, 1, 1, true),
        // last window covers one explicit end pad and one position past it
        shape(13, 13, 33, 3, 3, 2, 2, 0, 0, 1, 1, 1, true),
        shape(13, 7, 67, 1, 1, 2, 2, 0, 0, 0, 0, 1, false),
        shape(13, 13, 3, 3, 3, 2, 2, 1, 1, 1, 1, 2, true));
  }

  static List<Arguments> poolCases() {
    List<Arguments> cases = new ArrayList<>();
    for (Named<KernelSupport> ks : ConformanceSupport.providers()) {
      for (Pool2dShape s : windows()) {
        for (int batch : new int[] {1, 3}) {
          cases.add(Arguments.of(ks, Named.of(s.descriptor() + "n" + batch, s), batch));
        }
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("poolCases")
  void maxPool(KernelSupport ks, Pool2dShape s, int batch) {
    check(Pool2dPlan.maxPool(s, ks), Pool2dPlan.Kind.MAX, false, s, batch, ks);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("poolCases")
  void averagePoolExcludingPad(KernelSupport ks, Pool2dShape s, int batch) {
    check(Pool2dPlan.averagePool(s, false, ks), Pool2dPlan.Kind.AVERAGE, false, s, batch, ks);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("poolCases")
  void averagePoolIncludingPad(KernelSupport ks, Pool2dShape s, int batch) {
    check(Pool2dPlan.averagePool(s, true, ks), Pool2dPlan.Kind.AVERAGE, true, s, batch, ks);
  }

  private static void check(Pool2dPlan plan, Pool2dPlan.Kind kind, boolean includePad,
      Pool2dShape s, int batch, KernelSupport ks) {
    long seed = SEED + s.descriptor().hashCode() * 31L + batch;
    float[] in = ConformanceSupport.embed(
        TensorAssert.random(seed, (int) s.inputCount() * batch));
    double[] ref = ReferencePooling.pool(kind, includePad, s, in, OFFSET, batch);
    assertEquals(ref.length, (int) s.outputCount() * batch, "output size of " + s);
    String what = kind + (includePad ? " count_include_pad" : "") + " " + s + " batch " + batch
        + " on " + ks.name() + " (seed " + seed + ")";
    float[] out = ConformanceSupport.runOnBothPools(what, parallel, single, ref.length,
        (pool, o) -> plan.execute(pool, in, OFFSET, o, OFFSET, batch));
    TensorAssert.assertClose(what, ref, out, OFFSET);
  }

  @Test
  void ceilModeDropsWindowStartingInEndPad() {
    assertEquals(4, shape(7, 7, 1, 2, 2, 2, 2, 1, 1, 1, 1, 1, true).outH());
    assertEquals(7, shape(13, 13, 1, 3, 3, 2, 2, 0, 0, 1, 1, 1, true).outW());
    assertEquals(6, shape(13, 13, 1, 3, 3, 2, 2, 0, 0, 1, 1, 1, false).outW());
  }

  @Test
  void averagePoolDivisorCountsExplicitPadOnly() {
    // 3x3 input of ones, kernel 3 stride 2, end pad 1, ceil: output 2x2. The last window covers
    // 2 input rows, 1 explicit pad row and 1 position past the pad.
    Pool2dShape s = shape(3, 3, 1, 3, 3, 2, 2, 0, 0, 1, 1, 1, true);
    assertEquals(2, s.outH());
    float[] in = ConformanceSupport.embed(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1});
    float[] out = TensorAssert.poisoned(OFFSET + 4);
    Pool2dPlan.averagePool(s, true).execute(single, in, OFFSET, out, OFFSET, 1);
    // corner windows: 9 valid; edge windows: rows 2..3 x cols 0..2 -> 3 valid of 6 counted
    TensorAssert.assertClose("count_include_pad divisor", new double[] {1, 0.5, 0.5, 0.25},
        out, OFFSET);
  }

  @Test
  void rejectsNonPositiveKernel() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Pool2dPlan.maxPool(shape(7, 7, 3, 0, 3, 1, 1, 0, 0, 0, 0, 1, false)));
    assertEquals("cannot plan MaxPool: kernel 0x3, dimensions must be positive", e.getMessage());
  }

  @Test
  void rejectsPadNotSmallerThanKernel() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Pool2dPlan.averagePool(shape(7, 7, 3, 2, 2, 1, 1, 2, 0, 0, 0, 1, false), true));
    assertEquals("cannot plan AveragePool: pads (top, left, bottom, right) 2,0,0,0 with dilated"
        + " kernel 2x2, each pad must be smaller than the dilated kernel", e.getMessage());
  }

  @Test
  void rejectsKernelLargerThanPaddedInput() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Pool2dPlan.maxPool(shape(5, 5, 3, 3, 3, 1, 1, 0, 0, 0, 0, 3, false)));
    assertEquals("cannot plan MaxPool: dilated kernel 7x7 is larger than the padded input 5x5,"
        + " it must fit", e.getMessage());
  }

  static List<Arguments> globalCases() {
    List<Arguments> cases = new ArrayList<>();
    int[][] dims = {{7, 7, 1}, {13, 7, 17}, {1, 1, 33}, {3, 5, 130}, {7, 7, 3}};
    for (Named<KernelSupport> ks : ConformanceSupport.providers()) {
      for (int[] d : dims) {
        for (int batch : new int[] {1, 3}) {
          cases.add(Arguments.of(ks,
              Named.of("h" + d[0] + "w" + d[1] + "c" + d[2] + "n" + batch, d), batch));
        }
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("globalCases")
  void globalAveragePool(KernelSupport ks, int[] d, int batch) {
    checkGlobal(GlobalPoolPlan.average(d[0], d[1], d[2], ks), Pool2dPlan.Kind.AVERAGE, d, batch,
        ks);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("globalCases")
  void globalMaxPool(KernelSupport ks, int[] d, int batch) {
    checkGlobal(GlobalPoolPlan.max(d[0], d[1], d[2], ks), Pool2dPlan.Kind.MAX, d, batch, ks);
  }

  private static void checkGlobal(GlobalPoolPlan plan, Pool2dPlan.Kind kind, int[] d, int batch,
      KernelSupport ks) {
    long seed = SEED + d[0] * 1000L + d[1] * 100L + d[2] + batch;
    float[] in = ConformanceSupport.embed(TensorAssert.random(seed, d[0] * d[1] * d[2] * batch));
    double[] ref = ReferencePooling.global(kind, d[0], d[1], d[2], in, OFFSET, batch);
    String what = "Global" + kind + " " + d[0] + "x" + d[1] + "x" + d[2] + " batch " + batch
        + " on " + ks.name() + " (seed " + seed + ")";
    float[] out = ConformanceSupport.runOnBothPools(what, parallel, single, ref.length,
        (pool, o) -> plan.execute(pool, in, OFFSET, o, OFFSET, batch));
    TensorAssert.assertClose(what, ref, out, OFFSET);
  }

  @Test
  void rejectsEmptyGlobalPool() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GlobalPoolPlan.average(7, 0, 3));
    assertEquals("cannot plan GlobalAveragePool: input 7x0x3 (HxWxC), dimensions must be"
        + " positive", e.getMessage());
  }
}
