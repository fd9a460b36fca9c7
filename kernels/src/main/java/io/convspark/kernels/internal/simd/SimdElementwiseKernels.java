package io.convspark.kernels.internal.simd;

import static io.convspark.kernels.internal.simd.Species.F;
import static io.convspark.kernels.internal.simd.Species.LANES;

import io.convspark.kernels.Activation;
import io.convspark.kernels.ElementwisePlan;
import io.convspark.kernels.internal.ElementwiseKernels;
import io.convspark.kernels.internal.FloatMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API elementwise kernels. One flat loop per operator (a switch inside the loop would merge
 * vectors through phis, which JDK 17 boxes); tails of binary ops and activations run as scalar
 * loops with the same float semantics.
 */
final class SimdElementwiseKernels implements ElementwiseKernels {

  @Override
  public void binary(ElementwisePlan.Op op, float[] a, int aOff, float[] b, int bOff,
      float[] out, int outOff, int n) {
    assert n >= 0;
    int full = F.loopBound(n);
    switch (op) {
      case ADD:
        for (int i = 0; i < full; i += LANES) {
          FloatVector.fromArray(F, a, aOff + i).add(FloatVector.fromArray(F, b, bOff + i))
              .intoArray(out, outOff + i);
        }
        for (int i = full; i < n; i++) {
          out[outOff + i] = a[aOff + i] + b[bOff + i];
        }
        break;
      case SUB:
        for (int i = 0; i < full; i += LANES) {
          FloatVector.fromArray(F, a, aOff + i).sub(FloatVector.fromArray(F, b, bOff + i))
              .intoArray(out, outOff + i);
        }
        for (int i = full; i < n; i++) {
          out[outOff + i] = a[aOff + i] - b[bOff + i];
        }
        break;
      case MUL:
        for (int i = 0; i < full; i += LANES) {
          FloatVector.fromArray(F, a, aOff + i).mul(FloatVector.fromArray(F, b, bOff + i))
              .intoArray(out, outOff + i);
        }
        for (int i = full; i < n; i++) {
          out[outOff + i] = a[aOff + i] * b[bOff + i];
        }
        break;
      case DIV:
        for (int i = 0; i < full; i += LANES) {
          FloatVector.fromArray(F, a, aOff + i).div(FloatVector.fromArray(F, b, bOff + i))
              .intoArray(out, outOff + i);
        }
        for (int i = full; i < n; i++) {
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
    int full = F.loopBound(n);
    switch (op) {
      case ADD:
        for (int i = 0; i < full; i += LANES) {
          FloatVector.fromArray(F, a, aOff + i).add(b).intoArray(out, outOff + i);
        }
        for (int i = full; i < n; i++) {
          out[outOff + i] = a[aOff + i] + b;
        }
        break;
      case SUB:
        for (int i = 0; i < full; i += LANES) {
          FloatVector.fromArray(F, a, aOff + i).sub(b).intoArray(out, outOff + i);
        }
        for (int i = full; i < n; i++) {
          out[outOff + i] = a[aOff + i] - b;
        }
        break;
      case MUL:
        for (int i = 0; i < full; i += LANES) {
          FloatVector.fromArray(F, a, aOff + i).mul(b).intoArray(out, outOff + i);
        }
        for (int i = full; i < n; i++) {
          out[outOff + i] = a[aOff + i] * b;
        }
        break;
      case DIV:
        for (int i = 0; i < full; i += LANES) {
          FloatVector.fromArray(F, a, aOff + i).div(b).intoArray(out, outOff + i);
        }
        for (int i = full; i < n; i++) {
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
    int full = F.loopBound(n);
    switch (act.kind()) {
      case NONE:
        return;
      case RELU:
        for (int i = off; i < off + full; i += LANES) {
          FloatVector.fromArray(F, x, i).max(0f).intoArray(x, i);
        }
        break;
      case CLIP:
        for (int i = off; i < off + full; i += LANES) {
          FloatVector.fromArray(F, x, i).max(alpha).min(beta).intoArray(x, i);
        }
        break;
      case LEAKY_RELU:
        for (int i = off; i < off + full; i += LANES) {
          FloatVector v = FloatVector.fromArray(F, x, i);
          v.blend(v.mul(alpha), v.lt(0f)).intoArray(x, i);
        }
        break;
      case HARD_SIGMOID:
        for (int i = off; i < off + full; i += LANES) {
          FloatVector.fromArray(F, x, i).fma(alpha, beta).max(0f).min(1f).intoArray(x, i);
        }
        break;
      case HARD_SWISH:
        for (int i = off; i < off + full; i += LANES) {
          FloatVector v = FloatVector.fromArray(F, x, i);
          v.mul(v.fma(alpha, beta).max(0f).min(1f)).intoArray(x, i);
        }
        break;
      case SIGMOID:
        for (int i = off; i < off + full; i += LANES) {
          SimdMath.sigmoid(FloatVector.fromArray(F, x, i)).intoArray(x, i);
        }
        break;
      case SILU:
        for (int i = off; i < off + full; i += LANES) {
          FloatVector v = FloatVector.fromArray(F, x, i);
          v.mul(SimdMath.sigmoid(v)).intoArray(x, i);
        }
        break;
      default:
        throw new AssertionError(act.kind());
    }
    for (int i = off + full; i < off + n; i++) {
      x[i] = act.apply(x[i]);
    }
  }

  @Override
  public void channelAffine(float[] in, int inOff, float[] scale, float[] shift,
      float[] out, int outOff, int pixels, int channels) {
    assert pixels >= 0 && channels > 0 && scale.length >= channels && shift.length >= channels;
    int full = F.loopBound(channels);
    for (int p = 0; p < pixels; p++) {
      int i0 = inOff + p * channels;
      int o0 = outOff + p * channels;
      // scale/shift reloaded per pixel (L1 hits) rather than carried across the pixel loop
      for (int c = 0; c < full; c += LANES) {
        FloatVector.fromArray(F, in, i0 + c)
            .fma(FloatVector.fromArray(F, scale, c), FloatVector.fromArray(F, shift, c))
            .intoArray(out, o0 + c);
      }
      if (full < channels) {
        int n = channels - full;
        Tails.store(Tails.load(in, i0 + full, n).fma(Tails.load(scale, full, n),
            Tails.load(shift, full, n)), out, o0 + full, n);
      }
    }
  }

  @Override
  public void softmax(float[] in, int inOff, float[] out, int outOff, int d) {
    assert d > 0;
    int full = F.loopBound(d);
    float max = Float.NEGATIVE_INFINITY;
    if (full > 0) {
      FloatVector vmax = FloatVector.fromArray(F, in, inOff);
      for (int i = LANES; i < full; i += LANES) {
        vmax = vmax.max(FloatVector.fromArray(F, in, inOff + i));
      }
      max = vmax.reduceLanes(VectorOperators.MAX);
    }
    for (int i = full; i < d; i++) {
      max = Math.max(max, in[inOff + i]);
    }
    FloatVector vsum = FloatVector.zero(F);
    for (int i = 0; i < full; i += LANES) {
      FloatVector e = SimdMath.exp(FloatVector.fromArray(F, in, inOff + i).sub(max));
      e.intoArray(out, outOff + i);
      vsum = vsum.add(e);
    }
    // Lanes summed in a fixed order: reduceLanes(ADD) rounds differently in C2 and the fallback.
    float sum = 0f;
    for (int l = 0; l < LANES; l++) {
      sum += vsum.lane(l);
    }
    for (int i = full; i < d; i++) {
      float e = FloatMath.exp(in[inOff + i] - max);
      out[outOff + i] = e;
      sum += e;
    }
    float inv = 1f / sum;
    for (int i = 0; i < full; i += LANES) {
      FloatVector.fromArray(F, out, outOff + i).mul(inv).intoArray(out, outOff + i);
    }
    for (int i = full; i < d; i++) {
      out[outOff + i] *= inv;
    }
  }

  @Override
  public void bytesToFloats3(byte[] src, int srcOff, int pixels, int stride, int[] from,
      float[] mul, float[] add, float[] out, int outOff) {
    int done = stride == 3 && SimdPixels.available()
        ? SimdPixels.bytesToFloats3(src, srcOff, 3 * pixels, from, mul, add, out, outOff) : 3;
    if (done <= 3) {
      ElementwiseKernels.super.bytesToFloats3(src, srcOff, pixels, stride, from, mul, add, out,
          outOff);
      return;
    }
    // Pixel 0 and the pixels after the vector part.
    ElementwiseKernels.super.bytesToFloats3(src, srcOff, 1, 3, from, mul, add, out, outOff);
    ElementwiseKernels.super.bytesToFloats3(src, srcOff + done, pixels - done / 3, 3, from, mul,
        add, out, outOff + done);
  }
}
