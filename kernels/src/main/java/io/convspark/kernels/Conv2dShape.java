package io.convspark.kernels;

/**
 * A 2-D convolution of one NHWC image, as ONNX Conv defines it (weights OIHW, grouped when
 * {@code groups > 1}). Batch size is not part of the shape: plans run any batch.
 */
public record Conv2dShape(
    int inH, int inW, int inC, int outC,
    int kernelH, int kernelW,
    int strideH, int strideW,
    int padTop, int padLeft, int padBottom, int padRight,
    int dilationH, int dilationW,
    int groups) {

  public Conv2dShape {
    positive("input height", inH);
    positive("input width", inW);
    positive("input channels", inC);
    positive("output channels", outC);
    positive("kernel height", kernelH);
    positive("kernel width", kernelW);
    positive("stride height", strideH);
    positive("stride width", strideW);
    positive("dilation height", dilationH);
    positive("dilation width", dilationW);
    positive("groups", groups);
    nonNegative("pad top", padTop);
    nonNegative("pad left", padLeft);
    nonNegative("pad bottom", padBottom);
    nonNegative("pad right", padRight);
    if (inC % groups != 0 || outC % groups != 0) {
      throw new IllegalArgumentException("cannot plan Conv: groups " + groups
          + " must divide input channels " + inC + " and output channels " + outC);
    }
    long effH = (long) dilationH * (kernelH - 1) + 1;
    long effW = (long) dilationW * (kernelW - 1) + 1;
    if (effH > (long) inH + padTop + padBottom || effW > (long) inW + padLeft + padRight) {
      throw new IllegalArgumentException("cannot plan Conv: dilated kernel " + effH + "x" + effW
          + " is larger than the padded input " + ((long) inH + padTop + padBottom) + "x"
          + ((long) inW + padLeft + padRight) + ", it must fit");
    }
  }

  /** A dense square convolution with symmetric padding, the common case. */
  public static Conv2dShape of(int inH, int inW, int inC, int outC, int kernel, int stride, int pad) {
    return new Conv2dShape(inH, inW, inC, outC, kernel, kernel, stride, stride,
        pad, pad, pad, pad, 1, 1, 1);
  }

  /** Resolves ONNX {@code auto_pad}; explicit pads are used only when it is NOTSET. */
  public static Conv2dShape withAutoPad(AutoPad autoPad, int inH, int inW, int inC, int outC,
      int kernelH, int kernelW, int strideH, int strideW, int[] explicitPads,
      int dilationH, int dilationW, int groups) {
    int[] h = autoPad.pads(inH, kernelH, strideH, dilationH, explicitPads[0], explicitPads[2]);
    int[] w = autoPad.pads(inW, kernelW, strideW, dilationW, explicitPads[1], explicitPads[3]);
    return new Conv2dShape(inH, inW, inC, outC, kernelH, kernelW, strideH, strideW,
        h[0], w[0], h[1], w[1], dilationH, dilationW, groups);
  }

  public Conv2dShape withGroups(int g) {
    return new Conv2dShape(inH, inW, inC, outC, kernelH, kernelW, strideH, strideW,
        padTop, padLeft, padBottom, padRight, dilationH, dilationW, g);
  }

  public int outH() {
    return (inH + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH + 1;
  }

  public int outW() {
    return (inW + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW + 1;
  }

  public int inChannelsPerGroup() {
    return inC / groups;
  }

  public int outChannelsPerGroup() {
    return outC / groups;
  }

  public boolean isDepthwise() {
    return groups == inC && groups > 1;
  }

  public boolean hasPadding() {
    return (padTop | padLeft | padBottom | padRight) != 0;
  }

  /** Number of floats of an OIHW weight tensor. */
  public long weightCount() {
    return (long) outC * inChannelsPerGroup() * kernelH * kernelW;
  }

  /** Multiply-adds times two, per image. */
  public double flops() {
    return 2.0 * outH() * outW() * weightCount();
  }

  public long inputCount() {
    return (long) inH * inW * inC;
  }

  public long outputCount() {
    return (long) outH() * outW() * outC;
  }

  private static final java.util.regex.Pattern DESCRIPTOR = java.util.regex.Pattern.compile(
      "ih(\\d+)iw(\\d+)ic(\\d+)oc(\\d+)kh(\\d+)kw(\\d+)sh(\\d+)sw(\\d+)"
          + "p(\\d+)_(\\d+)_(\\d+)_(\\d+)dh(\\d+)dw(\\d+)g(\\d+)");

  /** Parses {@link #descriptor()}; the shape catalogs of tests and benchmarks use it. */
  public static Conv2dShape parse(String descriptor) {
    java.util.regex.Matcher m = DESCRIPTOR.matcher(descriptor);
    if (!m.matches()) {
      throw new IllegalArgumentException("cannot parse conv descriptor '" + descriptor
          + "', expected e.g. ih56iw56ic64oc64kh3kw3sh1sw1p1_1_1_1dh1dw1g1");
    }
    int[] v = new int[15];
    for (int i = 0; i < 15; i++) {
      v[i] = Integer.parseInt(m.group(i + 1));
    }
    return new Conv2dShape(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
        v[8], v[9], v[10], v[11], v[12], v[13], v[14]);
  }

  /** Compact descriptor, the shape catalog's grammar: ih56iw56ic64oc64kh3kw3sh1sw1p1111d1g1. */
  public String descriptor() {
    return "ih" + inH + "iw" + inW + "ic" + inC + "oc" + outC + "kh" + kernelH + "kw" + kernelW
        + "sh" + strideH + "sw" + strideW + "p" + padTop + "_" + padLeft + "_" + padBottom + "_"
        + padRight + "dh" + dilationH + "dw" + dilationW + "g" + groups;
  }

  @Override
  public String toString() {
    return descriptor();
  }

  private static void positive(String what, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException("cannot plan Conv: " + what + " " + v + ", must be > 0");
    }
  }

  private static void nonNegative(String what, int v) {
    if (v < 0) {
      throw new IllegalArgumentException("cannot plan Conv: " + what + " " + v + ", must be >= 0");
    }
  }
}
