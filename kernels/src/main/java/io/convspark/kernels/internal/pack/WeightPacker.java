package io.convspark.kernels.internal.pack;

import io.convspark.kernels.Conv2dShape;

/** Packs ONNX OIHW weights into the layouts the conv kernels read; done once per plan. */
public final class WeightPacker {
  private WeightPacker() {}

  /**
   * Direct/GEMM layout, per block: bias[nv*L], then for k = (kh, kw, ic) the block's output
   * channels in nv*L lanes. Missing bias and padded lanes are zeros.
   */
  public static float[] packConvFromOihw(Conv2dShape s, float[] oihw, float[] bias,
      ConvBlocks blocks, int lanes) {
    int kh = s.kernelH();
    int kw = s.kernelW();
    int icg = s.inChannelsPerGroup();
    float[] packed = new float[blocks.packedLength()];
    for (int b = 0; b < blocks.count(); b++) {
      int width = blocks.vectors()[b] * lanes;
      int base = blocks.wOff()[b];
      int oc0 = blocks.ocStart()[b];
      for (int j = 0; j < blocks.channels()[b]; j++) {
        int oc = oc0 + j;
        packed[base + j] = bias == null ? 0f : bias[oc];
        int k = 0;
        for (int y = 0; y < kh; y++) {
          for (int x = 0; x < kw; x++) {
            for (int ic = 0; ic < icg; ic++, k++) {
              packed[base + width + k * width + j] = oihw[((oc * icg + ic) * kh + y) * kw + x];
            }
          }
        }
      }
    }
    return packed;
  }

  /**
   * Sliding-window layout, one vector per block: bias[L], then for k = (kh, ic) the three kw
   * taps, each L lanes of output channels.
   */
  public static float[] packSlidingFromOihw(Conv2dShape s, float[] oihw, float[] bias,
      ConvBlocks blocks, int lanes) {
    int kh = s.kernelH();
    int icg = s.inChannelsPerGroup();
    float[] packed = new float[blocks.packedLength()];
    for (int b = 0; b < blocks.count(); b++) {
      int base = blocks.wOff()[b];
      for (int j = 0; j < blocks.channels()[b]; j++) {
        int oc = blocks.ocStart()[b] + j;
        packed[base + j] = bias == null ? 0f : bias[oc];
        for (int y = 0; y < kh; y++) {
          for (int ic = 0; ic < icg; ic++) {
            for (int x = 0; x < 3; x++) {
              int step = y * icg + ic;
              packed[base + lanes + (step * 3 + x) * lanes + j] =
                  oihw[((oc * icg + ic) * kh + y) * 3 + x];
            }
          }
        }
      }
    }
    return packed;
  }

  /** Depthwise layout {@code Chw16c}: per channel block, bias[L] then taps (kh, kw) x L lanes. */
  public static float[] packDepthwiseFromOihw(Conv2dShape s, float[] oihw, float[] bias,
      int lanes) {
    int taps = s.kernelH() * s.kernelW();
    int c = s.outC();
    int blocks = (c + lanes - 1) / lanes;
    float[] packed = new float[blocks * lanes * (taps + 1)];
    for (int ch = 0; ch < c; ch++) {
      int base = (ch / lanes) * lanes * (taps + 1);
      int lane = ch % lanes;
      packed[base + lane] = bias == null ? 0f : bias[ch];
      for (int t = 0; t < taps; t++) {
        packed[base + lanes + t * lanes + lane] = oihw[ch * taps + t];
      }
    }
    return packed;
  }
}
