package io.convspark.kernels;

/** ONNX {@code auto_pad}: explicit pads, or padding chosen so that out = ceil(in / stride). */
public enum AutoPad {
  NOTSET, VALID, SAME_UPPER, SAME_LOWER;

  /**
   * Returns {begin, end} padding of one spatial axis. For SAME_UPPER the odd extra pad goes to
   * the end, for SAME_LOWER to the beginning, as the ONNX spec says.
   */
  int[] pads(int in, int kernel, int stride, int dilation, int explicitBegin, int explicitEnd) {
    switch (this) {
      case NOTSET: return new int[] {explicitBegin, explicitEnd};
      case VALID: return new int[] {0, 0};
      default:
        long out = ((long) in + stride - 1) / stride;
        long total = Math.max(0L, (out - 1) * stride + (long) dilation * (kernel - 1) + 1 - in);
        int small = (int) (total / 2);
        int big = (int) (total - small);
        return this == SAME_UPPER ? new int[] {small, big} : new int[] {big, small};
    }
  }
}
