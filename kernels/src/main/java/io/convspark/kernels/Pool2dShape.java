package io.convspark.kernels;

/**
 * A 2-D pooling window over one NHWC image, as ONNX MaxPool/AveragePool define it: explicit
 * begin/end pads per axis ({@code auto_pad} resolved by the caller, see {@link #withAutoPad}),
 * dilations and {@code ceil_mode}. Batch size is not part of the shape. The plan factories
 * ({@link Pool2dPlan#maxPool}, {@link Pool2dPlan#averagePool}) validate it.
 */
public record Pool2dShape(
    int inH, int inW, int channels,
    int kernelH, int kernelW,
    int strideH, int strideW,
    int padTop, int padLeft, int padBottom, int padRight,
    int dilationH, int dilationW,
    boolean ceilMode) {

  /** A square window with symmetric padding, no dilation, floor mode. */
  public static Pool2dShape of(int inH, int inW, int channels, int kernel, int stride, int pad) {
    return new Pool2dShape(inH, inW, channels, kernel, kernel, stride, stride,
        pad, pad, pad, pad, 1, 1, false);
  }

  /** Resolves ONNX {@code auto_pad}; {@code explicitPads} (top, left, bottom, right) is used only when NOTSET. */
  public static Pool2dShape withAutoPad(AutoPad autoPad, int inH, int inW, int channels,
      int kernelH, int kernelW, int strideH, int strideW, int[] explicitPads,
      int dilationH, int dilationW, boolean ceilMode) {
    int[] h = autoPad.pads(inH, kernelH, strideH, dilationH, explicitPads[0], explicitPads[2]);
    int[] w = autoPad.pads(inW, kernelW, strideW, dilationW, explicitPads[1], explicitPads[3]);
    return new Pool2dShape(inH, inW, channels, kernelH, kernelW, strideH, strideW,
        h[0], w[0], h[1], w[1], dilationH, dilationW, ceilMode);
  }

  public int outH() {
    return outSize(inH, padTop, padBottom, kernelH, strideH, dilationH, ceilMode);
  }

  public int outW() {
    return outSize(inW, padLeft, padRight, kernelW, strideW, dilationW, ceilMode);
  }

  public long inputCount() {
    return (long) inH * inW * channels;
  }

  public long outputCount() {
    return (long) outH() * outW() * channels;
  }

  /** Compact descriptor: ih13iw7c17kh3kw3sh2sw2p1_0_1_1dh1dw1ceil. */
  public String descriptor() {
    return "ih" + inH + "iw" + inW + "c" + channels + "kh" + kernelH + "kw" + kernelW
        + "sh" + strideH + "sw" + strideW + "p" + padTop + "_" + padLeft + "_" + padBottom + "_"
        + padRight + "dh" + dilationH + "dw" + dilationW + (ceilMode ? "ceil" : "floor");
  }

  @Override
  public String toString() {
    return descriptor();
  }

  /**
   * Output length of one axis. In ceil mode the last window must start inside the input or the
   * begin padding (the PyTorch/ONNX rule), so a window starting in the end padding is dropped.
   */
  static int outSize(int in, int padBegin, int padEnd, int kernel, int stride, int dilation,
      boolean ceil) {
    long span = (long) in + padBegin + padEnd - ((long) dilation * (kernel - 1) + 1);
    long out = (ceil ? Math.floorDiv(span + stride - 1, stride) : Math.floorDiv(span, stride)) + 1;
    if (ceil && out > 1 && (out - 1) * stride >= (long) in + padBegin) {
      out--;
    }
    return (int) Math.min(out, Integer.MAX_VALUE);
  }

  /** Throws if the shape cannot be planned as operator {@code op}. */
  void validate(String op) {
    if (inH <= 0 || inW <= 0 || channels <= 0) {
      throw new IllegalArgumentException("cannot plan " + op + ": input " + inH + "x" + inW
          + "x" + channels + " (HxWxC), dimensions must be positive");
    }
    if (kernelH <= 0 || kernelW <= 0) {
      throw new IllegalArgumentException("cannot plan " + op + ": kernel " + kernelH + "x"
          + kernelW + ", dimensions must be positive");
    }
    if (strideH <= 0 || strideW <= 0) {
      throw new IllegalArgumentException("cannot plan " + op + ": strides " + strideH + "x"
          + strideW + ", must be positive");
    }
    if (dilationH <= 0 || dilationW <= 0) {
      throw new IllegalArgumentException("cannot plan " + op + ": dilations " + dilationH + "x"
          + dilationW + ", must be positive");
    }
    if ((padTop | padLeft | padBottom | padRight) < 0) {
      throw new IllegalArgumentException("cannot plan " + op + ": pads (top, left, bottom,"
          + " right) " + padTop + "," + padLeft + "," + padBottom + "," + padRight
          + ", must be >= 0");
    }
    long effH = (long) dilationH * (kernelH - 1) + 1;
    long effW = (long) dilationW * (kernelW - 1) + 1;
    if (Math.max(padTop, padBottom) >= effH || Math.max(padLeft, padRight) >= effW) {
      throw new IllegalArgumentException("cannot plan " + op + ": pads (top, left, bottom,"
          + " right) " + padTop + "," + padLeft + "," + padBottom + "," + padRight
          + " with dilated kernel " + effH + "x" + effW
          + ", each pad must be smaller than the dilated kernel");
    }
    if (effH > (long) inH + padTop + padBottom || effW > (long) inW + padLeft + padRight) {
      throw new IllegalArgumentException("cannot plan " + op + ": dilated kernel " + effH + "x"
          + effW + " is larger than the padded input " + ((long) inH + padTop + padBottom) + "x"
          + ((long) inW + padLeft + padRight) + ", it must fit");
    }
    if (inputCount() > Integer.MAX_VALUE || outputCount() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("cannot plan " + op + ": input " + inputCount()
          + " or output " + outputCount() + " floats per image, must be <= 2^31-1");
    }
  }
}
