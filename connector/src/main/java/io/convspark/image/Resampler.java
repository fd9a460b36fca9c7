package io.convspark.image;

/**
 * Bilinear resampling with half-pixel centres (align_corners=false, no antialias: PyTorch
 * {@code interpolate(mode="bilinear")}, OpenCV {@code INTER_LINEAR} up to its fixed-point
 * rounding), fused with EXIF orientation, cropping, channel reordering and normalization:
 * each output float is computed once from four stored pixels and written straight into the
 * destination. Float arithmetic in a fixed order, so results are bit-for-bit reproducible.
 */
final class Resampler {
  private Resampler() {}

  /** Source index pairs and weights of one output axis. */
  private static final class Axis {
    final int[] i0;
    final int[] i1;
    final float[] w1;

    Axis(int n) {
      i0 = new int[n];
      i1 = new int[n];
      w1 = new float[n];
    }
  }

  /**
   * Output position {@code o} (0..n) samples the resized axis at {@code o + offset}; a resized
   * axis of {@code resized} samples spans a source axis of {@code src} samples. PyTorch's
   * {@code area_pixel_compute_source_index}: {@code max(scale * (d + 0.5) - 0.5, 0)}.
   */
  private static Axis axis(int src, int resized, int offset, int n) {
    Axis a = new Axis(n);
    float scale = (float) src / resized;
    for (int o = 0; o < n; o++) {
      float real = Math.max(scale * ((o + offset) + 0.5f) - 0.5f, 0f);
      int i0 = Math.min((int) real, src - 1);
      a.i0[o] = i0;
      a.i1[o] = i0 < src - 1 ? i0 + 1 : i0;
      a.w1[o] = i0 < src - 1 ? real - i0 : 0f;
    }
    return a;
  }

  /** Whether the axis samples source pixel o at output o, with no blending. */
  private static boolean identity(Axis a, int src) {
    if (a.i0.length != src) {
      return false;
    }
    for (int o = 0; o < src; o++) {
      if (a.i0[o] != o || a.w1[o] != 0f) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes {@code opt.floatsPerImage()} floats of the oriented image into
   * {@code dst[dstOff..]}.
   *
   * @param orientation EXIF orientation 1..8 of the stored pixels
   */
  static void run(PixelSource src, int orientation, PreprocessOptions opt, float[] dst,
      int dstOff) {
    boolean transposed = orientation >= 5;
    int sw = transposed ? src.height : src.width; // oriented size
    int sh = transposed ? src.width : src.height;
    int oh = opt.height();
    int ow = opt.width();
    int rw;
    int rh;
    int offX = 0;
    int offY = 0;
    int validW = ow;
    switch (opt.resize()) {
      case STRETCH:
        rw = ow;
        rh = oh;
        break;
      case SHORTER_SIDE_CENTER_CROP: {
        int s = opt.resizeShorterTo();
        if (sw <= sh) {
          rw = s;
          rh = (int) ((long) s * sh / sw);
        } else {
          rh = s;
          rw = (int) ((long) s * sw / sh);
        }
        offX = (int) Math.rint((rw - ow) / 2.0);
        offY = (int) Math.rint((rh - oh) / 2.0);
        break;
      }
      default: { // FIT_HEIGHT_PAD_RIGHT, PaddleOCR: ceil(imgH * (w / h)) capped at imgW
        double fit = Math.ceil(oh * ((double) sw / sh));
        validW = (int) Math.max(1, Math.min(ow, fit));
        rw = validW;
        rh = oh;
      }
    }
    Axis ax = axis(sw, rw, offX, validW);
    Axis ay = axis(sh, rh, offY, oh);

    // stored (x, y) = (xc + xu*u + xv*v, yc + yu*u + yv*v) for oriented (u, v)
    int w1 = src.width - 1;
    int h1 = src.height - 1;
    int xu = 0;
    int xv = 0;
    int xc = 0;
    int yu = 0;
    int yv = 0;
    int yc = 0;
    switch (orientation) {
      case 2: xu = -1; xc = w1; yv = 1; break;
      case 3: xu = -1; xc = w1; yv = -1; yc = h1; break;
      case 4: xu = 1; yv = -1; yc = h1; break;
      case 5: xv = 1; yu = 1; break;
      case 6: xv = 1; yu = -1; yc = h1; break;
      case 7: xv = -1; xc = w1; yu = -1; yc = h1; break;
      case 8: xv = -1; xc = w1; yu = 1; break;
      default: xu = 1; yv = 1;
    }

    int mc = src.channels();
    int oc = opt.channels();
    int[] from = new int[oc]; // canonical channel of each output channel
    float[] mul = new float[oc];
    float[] add = new float[oc];
    for (int c = 0; c < oc; c++) {
      from[c] = oc == 3 && opt.order() == ChannelOrder.BGR ? 2 - c : c;
      mul[c] = opt.mulAt(c);
      add[c] = opt.addAt(c);
    }
    if (orientation == 1 && validW == ow && identity(ax, sw) && identity(ay, sh)) {
      // Output pixels are stored pixels (Spark image structs at the model's size): row copies.
      boolean done = true;
      for (int oy = 0; oy < oh && done; oy++) {
        done = src.readRow(oy, from, mul, add, dst, dstOff + oy * ow * oc);
      }
      if (done) {
        return;
      }
    }
    float[] t = new float[4 * mc]; // the four neighbours, canonical channels
    for (int oy = 0; oy < oh; oy++) {
      int v0 = ay.i0[oy];
      int v1 = ay.i1[oy];
      float ly1 = ay.w1[oy];
      float ly0 = 1f - ly1;
      int row = dstOff + oy * ow * oc;
      for (int ox = 0; ox < validW; ox++) {
        int u0 = ax.i0[ox];
        int u1 = ax.i1[ox];
        float lx1 = ax.w1[ox];
        float lx0 = 1f - lx1;
        int p = row + ox * oc;
        src.read(xc + xu * u0 + xv * v0, yc + yu * u0 + yv * v0, t, 0);
        if (lx1 == 0f && ly1 == 0f) { // on a source pixel: the blend below would be exact too
          for (int c = 0; c < oc; c++) {
            dst[p + c] = t[from[c]] * mul[c] + add[c];
          }
          continue;
        }
        src.read(xc + xu * u1 + xv * v0, yc + yu * u1 + yv * v0, t, mc);
        src.read(xc + xu * u0 + xv * v1, yc + yu * u0 + yv * v1, t, 2 * mc);
        src.read(xc + xu * u1 + xv * v1, yc + yu * u1 + yv * v1, t, 3 * mc);
        for (int c = 0; c < oc; c++) {
          int k = from[c];
          float top = lx0 * t[k] + lx1 * t[mc + k];
          float bottom = lx0 * t[2 * mc + k] + lx1 * t[3 * mc + k];
          dst[p + c] = (ly0 * top + ly1 * bottom) * mul[c] + add[c];
        }
      }
      // padding is 0 after normalization (PaddleOCR pads the normalized array)
      java.util.Arrays.fill(dst, row + validW * oc, row + ow * oc, 0f);
    }
  }
}
