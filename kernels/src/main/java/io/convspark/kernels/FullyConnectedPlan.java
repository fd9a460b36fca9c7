package io.convspark.kernels;

import io.convspark.kernels.internal.KernelProvider;
import io.convspark.kernels.internal.KernelSupport;

/**
 * ONNX Gemm as a fully-connected layer: {@code Y[M,N] = alpha * A[M,K] * op(B) + beta * C},
 * with op(B) = B [K,N] or B^T when {@code transB} ([N,K], PyTorch Linear). {@code alpha} is
 * folded into the packed weights and {@code beta * C} into the bias (C of length 1 or N) or
 * into a residual epilogue (C of shape [M,N], passed at execute time). Runs on the GEMM conv
 * kernel, with M as the pixel count, so any batch size works.
 */
public final class FullyConnectedPlan {
  private final Conv2dPlan conv;
  private final int k;
  private final int n;

  private FullyConnectedPlan(Conv2dPlan conv, int k, int n) {
    this.conv = conv;
    this.k = k;
    this.n = n;
  }

  /**
   * @param b weights, [K][N] or, with {@code transB}, [N][K]
   * @param c bias of length N or 1, or null
   * @param activation fused after the bias (and residual, if any)
   * @param residualC true when a full [M,N] C tensor will be passed to {@link #execute}
   */
  public static FullyConnectedPlan create(int k, int n, float[] b, boolean transB, float alpha,
      float[] c, float beta, Activation activation, boolean residualC) {
    return create(k, n, b, transB, alpha, c, beta, activation, residualC, KernelProvider.get());
  }

  public static FullyConnectedPlan create(int k, int n, float[] b, boolean transB, float alpha,
      float[] c, float beta, Activation activation, boolean residualC, KernelSupport ks) {
    return create(k, n, b, transB, alpha, c, beta, activation, residualC, ks, null);
  }

  /** As above, with the packed weights in {@code store} (see {@link WeightStore}), or own. */
  public static FullyConnectedPlan create(int k, int n, float[] b, boolean transB, float alpha,
      float[] c, float beta, Activation activation, boolean residualC, KernelSupport ks,
      WeightStore store) {
    if (k <= 0 || n <= 0) {
      throw new IllegalArgumentException("cannot plan Gemm: K=" + k + ", N=" + n
          + ", both must be > 0");
    }
    if (b == null || b.length != (long) k * n) {
      throw new IllegalArgumentException("cannot plan Gemm: B has "
          + (b == null ? "no data" : b.length + " floats") + ", K*N = " + ((long) k * n)
          + " needed");
    }
    if (c != null && c.length != 1 && c.length != n) {
      throw new IllegalArgumentException("cannot plan Gemm: C has " + c.length
          + " floats, a bias must have 1 or N = " + n + " (pass a full [M,N] C at execute)");
    }
    if (residualC && beta != 1f) {
      throw new IllegalArgumentException("cannot plan Gemm: a full C tensor needs beta = 1, got "
          + beta + "; scale C first");
    }
    float[] oi = new float[k * n];
    for (int o = 0; o < n; o++) {
      for (int i = 0; i < k; i++) {
        oi[o * k + i] = alpha * (transB ? b[o * k + i] : b[i * n + o]);
      }
    }
    float[] bias = null;
    if (c != null) {
      bias = new float[n];
      for (int o = 0; o < n; o++) {
        bias[o] = beta * c[c.length == 1 ? 0 : o];
      }
    }
    Epilogue e = Epilogue.of(activation,
        residualC ? Epilogue.Residual.BEFORE_ACTIVATION : Epilogue.Residual.NONE);
    Conv2dShape s = new Conv2dShape(1, 1, k, n, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1);
    return new FullyConnectedPlan(Conv2dPlan.create(s, oi, bias, e, ks, store), k, n);
  }

  public int inFeatures() {
    return k;
  }

  public int outFeatures() {
    return n;
  }

  public long packedBytes() {
    return conv.packedBytes();
  }

  /** Y[rows, N] from A[rows, K]; {@code fullC} is the [rows, N] C tensor or null. */
  public void execute(WorkerPool pool, float[] a, int aOff, float[] y, int yOff,
      float[] fullC, int cOff, int rows) {
    conv.execute(pool, a, aOff, y, yOff, fullC, cOff, rows, null, 0);
  }
}
