package io.convspark.kernels;

/**
 * Naive ONNX Add/Sub/Mul/Div with NumPy broadcasting of B, BatchNormalization, Concat and
 * Softmax over NHWC, in double. Oracle for both providers.
 */
final class ReferenceElementwise {
  private ReferenceElementwise() {}

  /** act(A op B) with A [N, H, W, C] and B as {@code broadcast} says. */
  static double[] binary(ElementwisePlan.Op op, ElementwisePlan.Broadcast broadcast,
      Activation act, float[] a, int aOff, float[] b, int bOff, int batch, int pixels, int ch) {
    double[] out = new double[batch * pixels * ch];
    for (int n = 0; n < batch; n++) {
      for (int p = 0; p < pixels; p++) {
        for (int c = 0; c < ch; c++) {
          int i = (n * pixels + p) * ch + c;
          int j = switch (broadcast) {
            case SAME -> i;
            case CHANNEL -> c;
            case IMAGE_CHANNEL -> n * ch + c;
            case SCALAR -> 0;
          };
          double x = a[aOff + i];
          double y = b[bOff + j];
          double r = switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
          };
          out[i] = ConformanceSupport.activate(act, r);
        }
      }
    }
    return out;
  }

  /** ONNX BatchNormalization (inference): (x - mean) / sqrt(var + eps) * gamma + beta. */
  static double[] batchNorm(float[] x, int xOff, int count, float[] gamma, float[] beta,
      float[] mean, float[] var, double eps, Activation act) {
    int ch = gamma.length;
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      int c = i % ch;
      double v = (x[xOff + i] - (double) mean[c]) / Math.sqrt(var[c] + eps) * gamma[c] + beta[c];
      out[i] = ConformanceSupport.activate(act, v);
    }
    return out;
  }

  static double[] affine(float[] x, int xOff, int count, float[] scale, float[] shift,
      Activation act) {
    int ch = scale.length;
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      int c = i % ch;
      out[i] = ConformanceSupport.activate(act, (double) x[xOff + i] * scale[c] + shift[c]);
    }
    return out;
  }

  /** Concat along the last (channel) axis of [N*H*W, C_k] tensors. */
  static double[] concat(float[][] ins, int[] offs, int[] ch, int pixels) {
    int total = 0;
    for (int c : ch) {
      total += c;
    }
    double[] out = new double[pixels * total];
    for (int p = 0; p < pixels; p++) {
      int o = p * total;
      for (int k = 0; k < ins.length; k++) {
        for (int c = 0; c < ch[k]; c++) {
          out[o++] = ins[k][offs[k] + p * ch[k] + c];
        }
      }
    }
    return out;
  }

  static double[] softmax(float[] x, int xOff, int rows, int d) {
    double[] out = new double[rows * d];
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < d; i++) {
        max = Math.max(max, x[xOff + r * d + i]);
      }
      double sum = 0;
      for (int i = 0; i < d; i++) {
        sum += Math.exp(x[xOff + r * d + i] - max);
      }
      for (int i = 0; i < d; i++) {
        out[r * d + i] = Math.exp(x[xOff + r * d + i] - max) / sum;
      }
    }
    return out;
  }
}
