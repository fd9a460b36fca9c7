package io.convspark.kernels.internal.pack;

import io.convspark.kernels.Conv2dShape;
import java.util.ArrayList;
import java.util.List;

/**
 * Output-channel panels of a direct convolution: each group's channels are cut into blocks of
 * 4, 2 or 1 vectors ({@code Ohwi64o}/{@code 32o}/{@code 16o} at 16 lanes). Only the last vector of
 * a group's last block may be partial; its lanes are zero-padded in the packed weights.
 */
public record ConvBlocks(int[] group, int[] ocStart, int[] channels, int[] vectors, int[] wOff,
    int packedLength) {

  /** Splits every group's output channels into blocks and assigns packed offsets. */
  public static ConvBlocks plan(Conv2dShape s, int lanes) {
    return plan(s, lanes, 4);
  }

  /** As {@link #plan(Conv2dShape, int)}, with blocks of at most {@code maxVectors} vectors. */
  public static ConvBlocks plan(Conv2dShape s, int lanes, int maxVectors) {
    int k = s.kernelH() * s.kernelW() * s.inChannelsPerGroup();
    int ocg = s.outChannelsPerGroup();
    List<int[]> blocks = new ArrayList<>();
    long off = 0;
    for (int g = 0; g < s.groups(); g++) {
      int start = 0;
      while (start < ocg) {
        int rem = ocg - start;
        int needed = (rem + lanes - 1) / lanes;
        int nv = Math.min(maxVectors, needed >= 4 ? 4 : needed >= 2 ? 2 : 1);
        int ch = Math.min(rem, nv * lanes);
        blocks.add(new int[] {g, g * ocg + start, ch, nv, Math.toIntExact(off)});
        off += (long) nv * lanes * (k + 1);
        start += ch;
      }
    }
    if (off > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("cannot pack Conv " + s + ": " + off
          + " packed weights exceed the 2^31 array limit");
    }
    int n = blocks.size();
    int[] gr = new int[n];
    int[] oc = new int[n];
    int[] ch = new int[n];
    int[] nv = new int[n];
    int[] wo = new int[n];
    for (int i = 0; i < n; i++) {
      int[] b = blocks.get(i);
      gr[i] = b[0];
      oc[i] = b[1];
      ch[i] = b[2];
      nv[i] = b[3];
      wo[i] = b[4];
    }
    return new ConvBlocks(gr, oc, ch, nv, wo, (int) off);
  }

  public int count() {
    return group.length;
  }
}
