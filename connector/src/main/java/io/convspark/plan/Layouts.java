package io.convspark.plan;

/** Converts between ONNX's NCHW and the kernels' NHWC. */
public final class Layouts {
  private Layouts() {}

  public static float[] nchwToNhwc(float[] src, int n, int c, int h, int w) {
    float[] dst = new float[n * c * h * w];
    int hw = h * w;
    for (int b = 0; b < n; b++) {
      int base = b * c * hw;
      for (int ch = 0; ch < c; ch++) {
        for (int p = 0; p < hw; p++) {
          dst[base + p * c + ch] = src[base + ch * hw + p];
        }
      }
    }
    return dst;
  }
}
