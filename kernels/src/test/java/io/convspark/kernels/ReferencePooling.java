package io.convspark.kernels;

/**
 * Naive ONNX MaxPool / AveragePool / global pooling over NHWC, straight from the operator
 * definitions, accumulating in double. Oracle for both providers.
 */
final class ReferencePooling {
  private ReferencePooling() {}

  /** ONNX output size; ceil mode drops a last window that would start in the end padding. */
  static int outSize(int in, int padBegin, int padEnd, int kernel, int stride, int dilation,
      boolean ceil) {
    double span = in + padBegin + padEnd - ((kernel - 1) * dilation + 1);
    int out = (int) (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
    if (ceil && (out - 1) * stride >= in + padBegin) {
      out--;
    }
    return out;
  }

  /**
   * @param kind MAX or AVERAGE
   * @param countIncludePad AveragePool's count_include_pad: the divisor counts positions in the
   *     explicit pads, never positions past the end pad
   */
  static double[] pool(Pool2dPlan.Kind kind, boolean countIncludePad, Pool2dShape s, float[] in,
      int inOff, int batch) {
    int oh = outSize(s.inH(), s.padTop(), s.padBottom(), s.kernelH(), s.strideH(),
        s.dilationH(), s.ceilMode());
    int ow = outSize(s.inW(), s.padLeft(), s.padRight(), s.kernelW(), s.strideW(),
        s.dilationW(), s.ceilMode());
    int ch = s.channels();
    double[] out = new double[batch * oh * ow * ch];
    for (int n = 0; n < batch; n++) {
      for (int y = 0; y < oh; y++) {
        for (int x = 0; x < ow; x++) {
          for (int c = 0; c < ch; c++) {
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            int valid = 0;
            int padded = 0;
            for (int kh = 0; kh < s.kernelH(); kh++) {
              for (int kw = 0; kw < s.kernelW(); kw++) {
                int ih = y * s.strideH() - s.padTop() + kh * s.dilationH();
                int iw = x * s.strideW() - s.padLeft() + kw * s.dilationW();
                boolean inPads = ih >= -s.padTop() && ih < s.inH() + s.padBottom()
                    && iw >= -s.padLeft() && iw < s.inW() + s.padRight();
                if (inPads) {
                  padded++;
                }
                if (ih >= 0 && ih < s.inH() && iw >= 0 && iw < s.inW()) {
                  double v = in[inOff + ((n * s.inH() + ih) * s.inW() + iw) * ch + c];
                  max = Math.max(max, v);
                  sum += v;
                  valid++;
                }
              }
            }
            int divisor = countIncludePad ? padded : valid;
            out[((n * oh + y) * ow + x) * ch + c] =
                kind == Pool2dPlan.Kind.MAX ? max : divisor == 0 ? 0 : sum / divisor;
          }
        }
      }
    }
    return out;
  }

  static double[] global(Pool2dPlan.Kind kind, int h, int w, int ch, float[] in, int inOff,
      int batch) {
    double[] out = new double[batch * ch];
    for (int n = 0; n < batch; n++) {
      for (int c = 0; c < ch; c++) {
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int p = 0; p < h * w; p++) {
          double v = in[inOff + (n * h * w + p) * ch + c];
          max = Math.max(max, v);
          sum += v;
        }
        out[n * ch + c] = kind == Pool2dPlan.Kind.MAX ? max : sum / (h * w);
      }
    }
    return out;
  }
}
