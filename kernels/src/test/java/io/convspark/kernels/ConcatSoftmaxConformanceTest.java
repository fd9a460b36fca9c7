package io.convspark.kernels;

import static io.convspark.kernels.ConformanceSupport.OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.convspark.kernels.internal.KernelSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Channel concat (exact) and last-axis softmax against the double reference. */
class ConcatSoftmaxConformanceTest {
  private static final long SEED = 0xC0CA7L;
  private static final WorkerPool parallel = TestPools.PARALLEL;
  private static final WorkerPool single = TestPools.SINGLE;



  static List<Arguments> concatCases() {
    int[][] channelLists = {{1, 3}, {17, 33, 16}, {5}, {1, 1, 1, 1}, {64, 300}};
    int[][] spatial = {{7, 13}, {13, 7}};
    List<Arguments> cases = new ArrayList<>();
    int k = 0;
    for (int[] ch : channelLists) {
      for (int[] hw : spatial) {
        int batch = (k++ & 1) == 0 ? 1 : 3;
        String name = "h" + hw[0] + "w" + hw[1] + "c" + Arrays.toString(ch).replace(" ", "")
            + "n" + batch;
        cases.add(Arguments.of(Named.of(name, hw), ch, batch));
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("concatCases")
  void concatAlongChannels(int[] hw, int[] ch, int batch) {
    int pixels = batch * hw[0] * hw[1];
    float[][] ins = new float[ch.length][];
    int[] offs = new int[ch.length];
    int total = 0;
    for (int k = 0; k < ch.length; k++) {
      ins[k] = ConformanceSupport.embed(TensorAssert.random(SEED + k, pixels * ch[k]));
      offs[k] = OFFSET;
      total += ch[k];
    }
    ConcatPlan plan = ConcatPlan.create(hw[0], hw[1], ch);
    assertEquals(total, plan.outChannels());
    double[] ref = ReferenceElementwise.concat(ins, offs, ch, pixels);
    String what = "Concat " + Arrays.toString(ch) + " " + hw[0] + "x" + hw[1] + " batch " + batch;
    float[] out = ConformanceSupport.runOnBothPools(what, parallel, single, ref.length,
        (pool, o) -> plan.execute(pool, ins, offs, o, OFFSET, batch));
    TensorAssert.assertClose(what, ref, out, OFFSET, 0, 0);
  }

  @Test
  void rejectsNonPositiveConcatChannels() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConcatPlan.create(7, 7, 3, 0));
    assertEquals("cannot plan Concat: input 1 has 0 channels, must be positive", e.getMessage());
  }

  static List<Arguments> softmaxCases() {
    int[] sizes = {1, 3, 17, 33, 1000, 1001};
    List<Arguments> cases = new ArrayList<>();
    for (Named<KernelSupport> ks : ConformanceSupport.providers()) {
      for (int d : sizes) {
        for (int rows : new int[] {1, 7}) {
          cases.add(Arguments.of(ks, Named.of("d" + d + "rows" + rows, d), rows));
        }
      }
    }
    return cases;
  }

  /** Logits in [-20, 20): the max subtraction is what keeps exp finite at larger scales. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("softmaxCases")
  void softmaxLastAxis(KernelSupport ks, int d, int rows) {
    long seed = SEED + d * 31L + rows;
    float[] data = TensorAssert.random(seed, rows * d);
    for (int i = 0; i < data.length; i++) {
      data[i] *= 20;
    }
    float[] x = ConformanceSupport.embed(data);
    SoftmaxPlan plan = SoftmaxPlan.create(d, ks);
    double[] ref = ReferenceElementwise.softmax(x, OFFSET, rows, d);
    String what = "Softmax d " + d + " rows " + rows + " on " + ks.name() + " (seed " + seed + ")";
    float[] out = ConformanceSupport.runOnBothPools(what, parallel, single, ref.length,
        (pool, o) -> plan.execute(pool, x, OFFSET, o, OFFSET, rows));
    TensorAssert.assertClose(what, ref, out, OFFSET);
  }

  @Test
  void softmaxOfLargeLogitsStaysFinite() {
    float[] x = ConformanceSupport.embed(new float[] {1000f, 999f, -1000f});
    float[] out = TensorAssert.poisoned(OFFSET + 3 + ConformanceSupport.GUARD);
    SoftmaxPlan.create(3).execute(single, x, OFFSET, out, OFFSET, 1);
    double e = Math.exp(-1);
    TensorAssert.assertClose("softmax of large logits", new double[] {1 / (1 + e), e / (1 + e), 0},
        out, OFFSET);
  }

  @Test
  void rejectsEmptySoftmax() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SoftmaxPlan.create(0));
    assertEquals("cannot plan Softmax: last axis 0, must be positive", e.getMessage());
  }
}
