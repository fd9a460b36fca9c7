package io.convspark.kernels.internal.scalar;

import io.convspark.kernels.Activation;
import io.convspark.kernels.ElementwisePlan;
import io.convspark.kernels.internal.ElementwiseKernels;
import io.convspark.kernels.internal.FloatMath;

/** Plain-Java elementwise kernels: one loop per operator, so C2 can auto-vectorize each. */
final class ScalarElementwiseKernels implements ElementwiseKernels {

  @Override
  public void binary(ElementwisePlan.Op op, float[] a, int aOff, float[] b, int bOff,
      float[] out, int outOff, int n) {
    assert n >= 0;
    switch (op) {
      case ADD:
        for (int i = 0; i < n; i++) {
          out[outOff + i] = a[aOff + i] + b[bOff + i];
        }
        break;
      case SUB:
        for (int i = 0; i < n; i++) {
          out[outOff + i] = a[aOff + i] - b[bOff + i];
        }
        break;
      case MUL:
        for (int i = 0; i < n; i++) {
          out[outOff + i] = a[aOff + i] * b[bOff + i];
        }
        break;
      case DIV:
        for (int i = 0; i < n; i++) {
          out[outOff + i] = a[aOff + i] / b[bOff + i];
        }
        break;
      default:
        throw new AssertionError(op);
    }
  }

  @Override
  public void binaryScalar(ElementwisePlan.Op op, float[] a, int aOff, float b,
      float[] out, int outOff, int n) {
    assert n >= 0;
    switch (op) {
      case ADD:
        for (int i = 0; i < n; i++) {
          out[outOff + i] = a[aOff + i] + b;
        }
        break;
      case SUB:
        for (int i = 0; i < n; i++) {
          out[outOff + i] = a[aOff + i] - b;
        }
        break;
      case MUL:
        for (int i = 0; i < n; i++) {
          out[outOff + i] = a[aOff + i] * b;
        }
        break;
      case DIV:
        for (int i = 0; i < n; i++) {
          out[outOff + i] = a[aOff + i] / b;
        }
        break;
      default:
        throw new AssertionError(op);
    }
  }

  @Override
  public void activate(Activation act, float[] x, int off, int n) {
    assert n >= 0;
    float alpha = act.alpha();
    float beta = act.beta();
    switch (act.kind()) {
      case NONE:
        break;
      case RELU:
        for (int i = off; i < off + n; i++) {
          x[i] = Math.max(x[i], 0f);
        }
        break;
      case CLIP:
        for (int i = off; i < off + n; i++) {
          x[i] = Math.min(Math.max(x[i], alpha), beta);
        }
        break;
      case LEAKY_RELU:
        for (int i = off; i < off + n; i++) {
          x[i] = x[i] >= 0f ? x[i] : alpha * x[i];
        }
        break;
      case HARD_SIGMOID:
        for (int i = off; i < off + n; i++) {
          x[i] = Math.min(Math.max(Math.fma(x[i], alpha, beta), 0f), 1f);
        }
        break;
      case HARD_SWISH:
        for (int i = off; i < off + n; i++) {
          x[i] = x[i] * Math.min(Math.max(Math.fma(x[i], alpha, beta), 0f), 1f);
        }
        break;
      default: // SIGMOID, SILU
        for (int i = off; i < off + n; i++) {
          x[i] = act.apply(x[i]);
        }
        break;
    }
  }

  @Override
  public void channelAffine(float[] in, int inOff, float[] scale, float[] shift,
      float[] out, int outOff, int pixels, int channels) {
    assert pixels >= 0 && channels > 0 && scale.length >= channels && shift.length >= channels;
    for (int p = 0; p < pixels; p++) {
      int i0 = inOff + p * channels;
      int o0 = outOff + p * channels;
      for (int c = 0; c < channels; c++) {
        out[o0 + c] = Math.fma(in[i0 + c], scale[c], shift[c]);
      }
    }
  }

  @Override
  public void softmax(float[] in, int inOff, float[] out, int outOff, int d) {
    assert d > 0;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < d; i++) {
      max = Math.max(max, in[inOff + i]);
    }
    float sum = 0f;
    for (int i = 0; i < d; i++) {
      float e = FloatMath.exp(in[inOff + i] - max);
      out[outOff + i] = e;
      sum += e;
    }
    float inv = 1f / sum;
    for (int i = 0; i < d; i++) {
      out[outOff + i] *= inv;
    }
  }
}
