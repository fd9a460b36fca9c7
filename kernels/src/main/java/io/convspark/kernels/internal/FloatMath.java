package io.convspark.kernels.internal;

import io.convspark.kernels.Activation;

/**
 * Float activations with the exact operation order of the SIMD kernels ({@code SimdMath}), so
 * both providers, the interpreter and C2 all give the same bits. Vector API's EXP is avoided on
 * purpose: its intrinsic (SVML) and its Java fallback round differently, which would make a
 * result depend on whether the caller was JIT-compiled yet.
 */
public final class FloatMath {
  public static final float EXP_MIN = -87f;
  public static final float EXP_MAX = 88f;
  public static final float LOG2E = 1.44269504f;
  /** 1.5 * 2^23: adding and subtracting it rounds to the nearest integer. */
  public static final float ROUND_MAGIC = 12582912f;
  public static final float LN2_HI = 0.693359375f;
  public static final float LN2_LO = -2.12194440e-4f;
  public static final float P0 = 1.9875691500e-4f;
  public static final float P1 = 1.3981999507e-3f;
  public static final float P2 = 8.3334519073e-3f;
  public static final float P3 = 4.1665795894e-2f;
  public static final float P4 = 1.6666665459e-1f;
  public static final float P5 = 5.0000001201e-1f;

  private FloatMath() {}

  /** e^x, Cephes-style: 2^n * poly(r), within 2 ulp for x in [-87, 88]; clamped outside. */
  public static float exp(float x) {
    x = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
    float n = (x * LOG2E + ROUND_MAGIC) - ROUND_MAGIC;
    float r = Math.fma(n, -LN2_HI, x);
    r = Math.fma(n, -LN2_LO, r);
    float p = Math.fma(P0, r, P1);
    p = Math.fma(p, r, P2);
    p = Math.fma(p, r, P3);
    p = Math.fma(p, r, P4);
    p = Math.fma(p, r, P5);
    float y = Math.fma(p, r * r, r) + 1f;
    return y * Float.intBitsToFloat(((int) n + 127) << 23);
  }

  public static float sigmoid(float x) {
    return 1f / (1f + exp(-x));
  }

  public static float activate(Activation a, float x) {
    switch (a.kind()) {
      case NONE: return x;
      case RELU: return Math.max(x, 0f);
      case CLIP: return Math.min(Math.max(x, a.alpha()), a.beta());
      case LEAKY_RELU: return x < 0f ? x * a.alpha() : x;
      case HARD_SIGMOID: return Math.min(Math.max(Math.fma(x, a.alpha(), a.beta()), 0f), 1f);
      case HARD_SWISH:
        return x * Math.min(Math.max(Math.fma(x, a.alpha(), a.beta()), 0f), 1f);
      case SIGMOID: return sigmoid(x);
      case SILU: return x * sigmoid(x);
      default: throw new AssertionError(a.kind());
    }
  }
}
