package io.convspark.kernels;

import java.util.Objects;

/**
 * What a kernel does to each output value before storing it: the bias is already in the
 * accumulator; then optionally a residual tensor is added before or after the activation.
 * ResNet's conv+add+relu is {@code Epilogue.of(RELU, Residual.BEFORE_ACTIVATION)}.
 */
public record Epilogue(Activation activation, Residual residual) {

  /** Where a residual tensor (same shape as the output) is added. */
  public enum Residual { NONE, BEFORE_ACTIVATION, AFTER_ACTIVATION }

  public static final Epilogue NONE = new Epilogue(Activation.NONE, Residual.NONE);

  public Epilogue {
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(residual, "residual");
  }

  public static Epilogue of(Activation activation) {
    return new Epilogue(activation, Residual.NONE);
  }

  public static Epilogue of(Activation activation, Residual residual) {
    return new Epilogue(activation, residual);
  }

  public boolean hasResidual() {
    return residual != Residual.NONE;
  }

  /** True when the stored value is the raw accumulator, so no epilogue pass is needed. */
  public boolean isIdentity() {
    return activation.kind() == Activation.Kind.NONE && residual == Residual.NONE;
  }

  /** Reference semantics for one value. */
  public float apply(float acc, float residualValue) {
    float v = residual == Residual.BEFORE_ACTIVATION ? acc + residualValue : acc;
    v = activation.apply(v);
    return residual == Residual.AFTER_ACTIVATION ? v + residualValue : v;
  }
}
