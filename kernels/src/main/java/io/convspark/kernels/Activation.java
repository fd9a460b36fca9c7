package io.convspark.kernels;

import java.util.Objects;

/**
 * An elementwise activation applied in a kernel's epilogue, with the ONNX operator's parameters.
 *
 * <p>{@code alpha}/{@code beta} mean what the ONNX operator calls them: Clip's min/max,
 * LeakyRelu's alpha, HardSigmoid/HardSwish's alpha and beta.
 */
public record Activation(Kind kind, float alpha, float beta) {

  /** The activation functions a fused epilogue supports. */
  public enum Kind { NONE, RELU, CLIP, LEAKY_RELU, HARD_SIGMOID, HARD_SWISH, SIGMOID, SILU }

  public static final Activation NONE = new Activation(Kind.NONE, 0f, 0f);
  public static final Activation RELU = new Activation(Kind.RELU, 0f, 0f);
  public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0f, 0f);
  public static final Activation SILU = new Activation(Kind.SILU, 0f, 0f);
  /** ONNX HardSwish: x * max(0, min(1, x/6 + 0.5)). */
  public static final Activation HARD_SWISH = new Activation(Kind.HARD_SWISH, 1f / 6f, 0.5f);

  public Activation {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.CLIP && !(alpha <= beta)) {
      throw new IllegalArgumentException(
          "cannot create Clip activation: min " + alpha + " > max " + beta + ", min must be <= max");
    }
  }

  public static Activation clip(float min, float max) {
    return new Activation(Kind.CLIP, min, max);
  }

  public static Activation relu6() {
    return clip(0f, 6f);
  }

  public static Activation leakyRelu(float alpha) {
    return new Activation(Kind.LEAKY_RELU, alpha, 0f);
  }

  /** ONNX HardSigmoid: max(0, min(1, alpha * x + beta)); ONNX defaults are 0.2 and 0.5. */
  public static Activation hardSigmoid(float alpha, float beta) {
    return new Activation(Kind.HARD_SIGMOID, alpha, beta);
  }

  /** What the kernels compute, bit for bit (float math, see FloatMath). */
  public float apply(float x) {
    return io.convspark.kernels.internal.FloatMath.activate(this, x);
  }
}
