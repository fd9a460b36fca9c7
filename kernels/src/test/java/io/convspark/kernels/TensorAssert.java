package io.convspark.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Shared oracle checks: per-element max(abs, rel*|ref|) tolerance plus whole-tensor NMSE. */
public final class TensorAssert {
  public static final double ABS = 1e-5;
  public static final double REL = 1e-5;
  public static final double MAX_NMSE = 1e-10;

  private TensorAssert() {}

  /** Random floats in [-1, 1), seeded. */
  public static float[] random(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return a;
  }

  public static float[] poisoned(int n) {
    float[] a = new float[n];
    Arrays.fill(a, Float.NaN);
    return a;
  }

  /** Asserts {@code actual[off..off+ref.length)} matches {@code ref}; {@code what} names the case. */
  public static void assertClose(String what, double[] ref, float[] actual, int off) {
    assertClose(what, ref, actual, off, ABS, REL);
  }

  public static void assertClose(String what, double[] ref, float[] actual, int off,
      double abs, double rel) {
    double errSq = 0;
    double refSq = 0;
    for (int i = 0; i < ref.length; i++) {
      double a = actual[off + i];
      double e = ref[i];
      double tol = Math.max(abs, rel * Math.abs(e));
      if (!(Math.abs(a - e) <= tol)) {
        fail(what + ": element " + i + " expected " + e + " but was " + a + " (tolerance " + tol
            + ")");
      }
      errSq += (a - e) * (a - e);
      refSq += e * e;
    }
    if (refSq > 0 && errSq / refSq > MAX_NMSE) {
      fail(what + ": NMSE " + (errSq / refSq) + " exceeds " + MAX_NMSE);
    }
  }

  /** Asserts nothing was written outside [off, off+len) of a poisoned buffer. */
  public static void assertUntouched(String what, float[] buf, int off, int len) {
    for (int i = 0; i < buf.length; i++) {
      if ((i < off || i >= off + len) && !Float.isNaN(buf[i])) {
        fail(what + ": wrote outside the output at index " + i + " (output is [" + off + ", "
            + (off + len) + "))");
      }
    }
  }
}
