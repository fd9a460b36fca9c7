package io.convspark.benchmarks;

import io.convspark.kernels.Activation;
import io.convspark.kernels.ArrayAlignment;
import io.convspark.kernels.Conv2dPlan;
import io.convspark.kernels.Conv2dShape;
import io.convspark.kernels.Epilogue;
import io.convspark.kernels.WeightStore;
import io.convspark.kernels.WorkerPool;
import io.convspark.kernels.internal.KernelProvider;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** One fused conv (bias + ReLU) of one image per invocation; see {@link KernelBench}. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ConvKernelBenchmark {
  /** The kernel set, by name. */
  public enum Case {
    DENSE_3X3("3x3 56x56x64->64", "ih56iw56ic64oc64kh3kw3sh1sw1p1_1_1_1dh1dw1g1"),
    GEMM_1X1("1x1 28x28x128->512", "ih28iw28ic128oc512kh1kw1sh1sw1p0_0_0_0dh1dw1g1"),
    DEPTHWISE_3X3("dw 3x3 112x112x32", "ih112iw112ic32oc32kh3kw3sh1sw1p1_1_1_1dh1dw1g32"),
    STEM_7X7("stem 7x7/2 224x224x3->64", "ih224iw224ic3oc64kh7kw7sh2sw2p3_3_3_3dh1dw1g1"),
    GROUPED_3X3("grouped 3x3 28x28x64 g4", "ih28iw28ic64oc64kh3kw3sh1sw1p1_1_1_1dh1dw1g4"),
    // Fits in L2 per thread: the 112x112 case's 2-thread scaling without its L3 traffic.
    DEPTHWISE_L2("dw 3x3 56x56x32 (L2-resident)", "ih56iw56ic32oc32kh3kw3sh1sw1p1_1_1_1dh1dw1g32"),
    // A short reduction over a large image (RegNetX-400MF at 360x640, its first 1x1 conv).
    GEMM_K32("1x1 180x320x32->32 (K=32)", "ih180iw320ic32oc32kh1kw1sh1sw1p0_0_0_0dh1dw1g1"),
    // The next layer there: a stride-2 grouped 3x3 over the 7.4 MB image (split into group planes).
    GROUPED_S2("grouped 3x3/2 180x320x32 g2", "ih180iw320ic32oc32kh3kw3sh2sw2p1_1_1_1dh1dw1g2"),
    // Its stem: 3 input channels, 32 outputs (two vectors), stride 2.
    STEM_3X3_S2("stem 3x3/2 360x640x3->32", "ih360iw640ic3oc32kh3kw3sh2sw2p1_1_1_1dh1dw1g1"),
    // ResNet-50's first-stage expansion: K=64, a 3.2 MB output, and its residual add.
    GEMM_K64("1x1 56x56x64->256", "ih56iw56ic64oc256kh1kw1sh1sw1p0_0_0_0dh1dw1g1"),
    GEMM_K64_RES("1x1 56x56x64->256 +residual", "ih56iw56ic64oc256kh1kw1sh1sw1p0_0_0_0dh1dw1g1",
        true),
    GEMM_K64_RES_L2("1x1 14x14x64->256 +residual (L2)", "ih14iw14ic64oc256kh1kw1sh1sw1p0_0_0_0dh1dw1g1",
        true),
    GEMM_K64_L2("1x1 14x14x64->256 (L2)", "ih14iw14ic64oc256kh1kw1sh1sw1p0_0_0_0dh1dw1g1"),
    // ResNet-50's stage-3 3x3 (K = 2304, weights 2.4 MB: sliced) and stage-4 3x3 (7x7 output).
    DENSE_3X3_14("3x3 14x14x256->256", "ih14iw14ic256oc256kh3kw3sh1sw1p1_1_1_1dh1dw1g1"),
    DENSE_3X3_7("3x3 7x7x512->512", "ih7iw7ic512oc512kh3kw3sh1sw1p1_1_1_1dh1dw1g1");

    final String label;
    final String descriptor;
    final boolean residual;

    Case(String label, String descriptor) {
      this(label, descriptor, false);
    }

    Case(String label, String descriptor, boolean residual) {
      this.label = label;
      this.descriptor = descriptor;
      this.residual = residual;
    }

    Conv2dShape shape() {
      return Conv2dShape.parse(descriptor);
    }
  }

  @Param
  public Case kernel;

  @Param({"1", "2"})
  public int threads;

  /**
   * {@code arena}: tensors start on a 64-byte boundary, where ModelSession's arena puts them;
   * {@code unaligned}: at index 0 of a large array, 16 bytes past a boundary.
   */
  @Param({"arena"})
  public String placement;

  private int offset;

  private Conv2dPlan plan;
  private WorkerPool pool;
  private float[] in;
  private float[] out;
  private float[] scratch;
  private float[] residual;

  @Setup(Level.Trial)
  public void setUp() {
    Conv2dShape s = kernel.shape();
    SplittableRandom r = new SplittableRandom(42);
    float[] w = new float[(int) s.weightCount()];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (r.nextDouble() - 0.5);
    }
    float[] bias = new float[s.outC()];
    // At least 1 MiB, so that G1 places the arrays on a region boundary, as it does arenas.
    offset = placement.equals("arena") ? ArrayAlignment.leadFloats() : 0;
    in = new float[Math.max(1 << 18, (int) s.inputCount() + offset)];
    for (int i = offset; i < offset + s.inputCount(); i++) {
      in[i] = (float) r.nextDouble();
    }
    out = new float[Math.max(1 << 18, (int) s.outputCount() + offset)];
    // Weights in a WeightStore, as a compiled model holds them (64-byte aligned).
    Epilogue e = kernel.residual
        ? Epilogue.of(Activation.RELU, Epilogue.Residual.BEFORE_ACTIVATION)
        : Epilogue.of(Activation.RELU);
    plan = Conv2dPlan.create(s, w, bias, e, KernelProvider.get(), new WeightStore());
    residual = kernel.residual ? out.clone() : null;
    scratch = new float[(int) plan.scratchFloats()];
    pool = WorkerPool.create(threads);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
  }

  @Benchmark
  public float conv() {
    plan.execute(pool, in, offset, out, offset, residual, offset, 1, scratch, 0);
    return out[offset + (int) plan.shape().outputCount() - 1];
  }
}
