package io.convspark.kernels;

/**
 * Geometry of a padded sliding conv that reads its input in place instead of convolving a
 * zero-bordered copy of the whole image. A row whose window lies inside the input runs its
 * inner pixels from the input itself; its border tiles (one {@link #TILE}-pixel tile on each
 * padded side) and the rows that touch the top or bottom padding read small zero-bordered
 * strips that each work item builds in its own scratch. RegNetX's first grouped conv on
 * 360x640 copied 7.5 MB per image before; the strips take 1.3 MB and stay in L1/L2.
 *
 * <p>Strips store the block's group channels only ({@code icg} per pixel) and one row per
 * kernel row (dilation folded in), so their offsets differ from the input's.
 */
final class SlidingStrips {
  /** Pixels of a border tile: the SIMD sliding tile's width. */
  static final int TILE = 8;
  /** Below this many padded-input bytes per image, copying the image is cheap enough. */
  static final long MIN_COPY_BYTES = 1L << 20;

  final int ohLo;
  final int ohHi;
  /** Output columns [innerLo, innerHi) run from the input in place. */
  final int innerLo;
  final int innerHi;
  final boolean leftStrip;
  final boolean rightStrip;
  /** Input columns of a side strip: one tile's windows. */
  final int stripCols;
  /** Step k = (kh, ic) offsets: in the input, a side strip, a whole-row strip. */
  final int[] inputOff;
  final int[] stripOff;
  final int[] rowStripOff;
  final int sideFloats;
  final int rowFloats;
  final int borderRows;
  /** Scratch floats per image: every row's side strips, then the border rows' strips. */
  final long sidesFloats;
  final long perImage;

  private SlidingStrips(Conv2dShape s, int outH, int outW, int owLo, int owHi, int blocks) {
    int icg = s.inChannelsPerGroup();
    int kh = s.kernelH();
    ohLo = Math.min(outH, ceilDiv(s.padTop(), s.strideH()));
    ohHi = Math.max(ohLo, Math.min(outH,
        Math.floorDiv(s.inH() - 1 + s.padTop() - s.dilationH() * (kh - 1), s.strideH()) + 1));
    leftStrip = owLo > 0;
    rightStrip = owHi < outW;
    int lo = leftStrip ? TILE : 0;
    innerHi = owHi;
    // A run shorter than a tile would go a pixel at a time: overlap the left strip instead.
    innerLo = innerHi - lo < TILE ? Math.max(owLo, innerHi - TILE) : lo;
    stripCols = (TILE - 1) * s.strideW() + s.kernelW();
    int paddedW = s.inW() + s.padLeft() + s.padRight();
    inputOff = new int[kh * icg];
    stripOff = new int[kh * icg];
    rowStripOff = new int[kh * icg];
    for (int r = 0; r < kh; r++) {
      for (int ic = 0; ic < icg; ic++) {
        inputOff[r * icg + ic] = r * s.dilationH() * s.inW() * s.inC() + ic;
        stripOff[r * icg + ic] = r * stripCols * icg + ic;
        rowStripOff[r * icg + ic] = r * paddedW * icg + ic;
      }
    }
    sideFloats = kh * stripCols * icg;
    rowFloats = kh * paddedW * icg;
    borderRows = ohLo + (outH - ohHi);
    sidesFloats = (long) outH * blocks * 2 * sideFloats;
    perImage = sidesFloats + (long) borderRows * blocks * rowFloats;
  }

  /**
   * Strips for a padded sliding conv whose whole-image copy would be large and whose rows
   * have a full tile of inner pixels; null otherwise (the plan copies the image).
   */
  static SlidingStrips plan(Conv2dShape s, int outH, int outW, int owLo, int owHi, int blocks) {
    long copyBytes = 4L * (s.inH() + s.padTop() + s.padBottom())
        * (s.inW() + s.padLeft() + s.padRight()) * s.inC();
    if (!s.hasPadding() || copyBytes < MIN_COPY_BYTES || outW < TILE || owHi - owLo < TILE
        || owLo > TILE || outW - owHi > TILE) {
      return null;
    }
    SlidingStrips st = new SlidingStrips(s, outH, outW, owLo, owHi, blocks);
    return st.perImage * 4 < copyBytes ? st : null;
  }

  /** Scratch offset (within an image's share) of the side strips of row oh, block b. */
  long sideBase(int oh, int b, int blocks) {
    return ((long) oh * blocks + b) * 2 * sideFloats;
  }

  /** Scratch offset (within an image's share) of the strip of border row oh, block b. */
  long rowBase(int oh, int b, int blocks) {
    int index = oh < ohLo ? oh : ohLo + (oh - ohHi);
    return sidesFloats + ((long) index * blocks + b) * rowFloats;
  }

  /**
   * Copies {@code cols} input columns from {@code iw0}, for kernel rows from input row
   * {@code ih0}, group channels [g0, g0 + icg), into dst; outside the input it writes zeros.
   */
  static void fill(Conv2dShape s, float[] in, int image, int ih0, int iw0, int cols, int g0,
      float[] dst, int d) {
    int icg = s.inChannelsPerGroup();
    for (int r = 0; r < s.kernelH(); r++) {
      int ih = ih0 + r * s.dilationH();
      boolean rowIn = ih >= 0 && ih < s.inH();
      for (int col = 0; col < cols; col++, d += icg) {
        int iw = iw0 + col;
        if (rowIn && iw >= 0 && iw < s.inW()) {
          System.arraycopy(in, image + (ih * s.inW() + iw) * s.inC() + g0, dst, d, icg);
        } else {
          java.util.Arrays.fill(dst, d, d + icg, 0f);
        }
      }
    }
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }
}
