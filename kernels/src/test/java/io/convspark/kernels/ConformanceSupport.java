package io.convspark.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import io.convspark.kernels.internal.KernelSupport;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Named;

/** Buffer placement and two-pool runs shared by the non-convolution conformance tests. */
final class ConformanceSupport {
  /** Tensors start this far into a larger NaN-poisoned buffer. */
  static final int OFFSET = 37;
  static final int GUARD = 29;

  private ConformanceSupport() {}

  static List<Named<KernelSupport>> providers() {
    return Providers.all().stream().map(ks -> Named.of(ks.name(), ks))
        .collect(Collectors.toList());
  }

  /** {@code data} at {@link #OFFSET} inside a NaN buffer: a read outside it poisons results. */
  static float[] embed(float[] data) {
    float[] buf = TensorAssert.poisoned(OFFSET + data.length + GUARD);
    System.arraycopy(data, 0, buf, OFFSET, data.length);
    return buf;
  }

  static float[] extract(float[] buf, int n) {
    float[] data = new float[n];
    System.arraycopy(buf, OFFSET, data, 0, n);
    return data;
  }

  /**
   * Runs {@code exec(pool, out)} on a 2-thread and a single-thread pool, each into a fresh
   * poisoned buffer with the output at {@link #OFFSET}; asserts nothing was written outside the
   * output and both runs are bitwise equal. Returns the 2-thread output buffer.
   */
  static float[] runOnBothPools(String what, WorkerPool parallel, WorkerPool single,
      int outLen, BiConsumer<WorkerPool, float[]> exec) {
    float[] a = TensorAssert.poisoned(OFFSET + outLen + GUARD);
    float[] b = TensorAssert.poisoned(OFFSET + outLen + GUARD);
    exec.accept(parallel, a);
    exec.accept(single, b);
    TensorAssert.assertUntouched(what, a, OFFSET, outLen);
    TensorAssert.assertUntouched(what + " single-threaded", b, OFFSET, outLen);
    for (int i = 0; i < outLen; i++) {
      if (Float.floatToRawIntBits(a[OFFSET + i]) != Float.floatToRawIntBits(b[OFFSET + i])) {
        fail(what + ": element " + i + " differs between 2 threads (" + a[OFFSET + i]
            + ") and 1 thread (" + b[OFFSET + i] + ")");
      }
    }
    return a;
  }

  /** Reference activation in double, from the ONNX operator definitions. */
  static double activate(Activation act, double x) {
    double a = act.alpha();
    double b = act.beta();
    switch (act.kind()) {
      case NONE: return x;
      case RELU: return x > 0 ? x : 0;
      case CLIP: return Math.min(Math.max(x, a), b);
      case LEAKY_RELU: return x >= 0 ? x : a * x;
      case HARD_SIGMOID: return Math.max(0, Math.min(1, a * x + b));
      case HARD_SWISH: return x * Math.max(0, Math.min(1, a * x + b));
      case SIGMOID: return 1 / (1 + Math.exp(-x));
      case SILU: return x / (1 + Math.exp(-x));
      default: throw new AssertionError(act.kind());
    }
  }
}
