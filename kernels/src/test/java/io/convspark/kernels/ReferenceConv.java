package io.convspark.kernels;

/** Naive ONNX Conv (+ Gemm) straight from the operator definition, accumulated in double. */
public final class ReferenceConv {
  private ReferenceConv() {}

  /** ONNX activations in double. */
  public static double activate(Activation a, double x) {
    switch (a.kind()) {
      case NONE: return x;
      case RELU: return Math.max(0, x);
      case CLIP: return Math.min(Math.max(x, a.alpha()), a.beta());
      case LEAKY_RELU: return x >= 0 ? x : a.alpha() * x;
      case HARD_SIGMOID: return Math.max(0, Math.min(1, a.alpha() * x + a.beta()));
      case HARD_SWISH: return x * Math.max(0, Math.min(1, a.alpha() * x + a.beta()));
      case SIGMOID: return 1 / (1 + Math.exp(-x));
      case SILU: return x / (1 + Math.exp(-x));
      default: throw new AssertionError(a.kind());
    }
  }

  public static double epilogue(Epilogue e, double acc, double res) {
    double v = e.residual() == Epilogue.Residual.BEFORE_ACTIVATION ? acc + res : acc;
    v = activate(e.activation(), v);
    return e.residual() == Epilogue.Residual.AFTER_ACTIVATION ? v + res : v;
  }

  /** NHWC in, OIHW weights, NHWC out. */
  public static double[] conv(Conv2dShape s, int batch, float[] x, float[] w, float[] bias,
      Epilogue e, float[] residual) {
    int oh = s.outH();
    int ow = s.outW();
    int icg = s.inChannelsPerGroup();
    int ocg = s.outChannelsPerGroup();
    double[] y = new double[batch * oh * ow * s.outC()];
    for (int n = 0; n < batch; n++) {
      for (int h = 0; h < oh; h++) {
        for (int wo = 0; wo < ow; wo++) {
          for (int oc = 0; oc < s.outC(); oc++) {
            int g = oc / ocg;
            double acc = bias == null ? 0 : bias[oc];
            for (int ic = 0; ic < icg; ic++) {
              for (int kh = 0; kh < s.kernelH(); kh++) {
                int ih = h * s.strideH() - s.padTop() + kh * s.dilationH();
                if (ih < 0 || ih >= s.inH()) {
                  continue;
                }
                for (int kw = 0; kw < s.kernelW(); kw++) {
                  int iw = wo * s.strideW() - s.padLeft() + kw * s.dilationW();
                  if (iw < 0 || iw >= s.inW()) {
                    continue;
                  }
                  double xv = x[((n * s.inH() + ih) * s.inW() + iw) * s.inC() + g * icg + ic];
                  double wv = w[((oc * icg + ic) * s.kernelH() + kh) * s.kernelW() + kw];
                  acc += xv * wv;
                }
              }
            }
            int o = ((n * oh + h) * ow + wo) * s.outC() + oc;
            y[o] = epilogue(e, acc, residual == null ? 0 : residual[o]);
          }
        }
      }
    }
    return y;
  }
}
