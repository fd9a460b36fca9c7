package io.convspark.image;

import io.convspark.kernels.PixelConversion;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;

/**
 * Random access to one decoded image as 8-bit values in the model's canonical channels: gray
 * (1-channel model) or R, G, B (3-channel model). Reads the raster's data arrays directly for
 * interleaved 8- and 16-bit images and goes through {@link Raster#getSample} (no allocation)
 * for the rest. Conversions:
 *
 * <ul>
 *   <li>alpha is dropped: colour values are used as stored, not composited (PIL
 *       {@code convert("RGB")}, OpenCV {@code IMREAD_COLOR});
 *   <li>16-bit samples keep the high byte ({@code v >> 8}, libpng {@code strip_16}, OpenCV);
 *   <li>other sample sizes (1/2/4-bit, 5/6-bit packed) scale to {@code round(v * 255 / max)};
 *   <li>palettes are looked up (palette alpha dropped);
 *   <li>colour to gray is ITU-R 601 luma with PIL's integer rounding,
 *       {@code (19595 R + 38470 G + 7471 B + 32768) >> 16}; gray to colour replicates.
 * </ul>
 *
 * Colour management is not applied: RGB samples are taken as sRGB whatever the ICC profile.
 */
final class PixelSource {
  private static final int BYTES = 0;
  private static final int SHORTS = 1;
  private static final int INDEXED = 2;
  private static final int GENERIC = 3;

  final int width;
  final int height;
  private final int kind;
  private final boolean gray; // source has one colour component
  private final boolean grayOut; // model has one channel
  private final byte[] bytes;
  private final short[] shorts;
  private final int base;
  private final int scan;
  private final int stride;
  private final int o0;
  private final int o1;
  private final int o2;
  private final Raster raster;
  private final int[] palette; // 0xRRGGBB per index
  private final int[] maxSample; // GENERIC: per colour band, 2^bits - 1

  private PixelSource(int width, int height, int kind, boolean gray, boolean grayOut,
      byte[] bytes, short[] shorts, int base, int scan, int stride, int[] offsets,
      Raster raster, int[] palette, int[] maxSample) {
    this.width = width;
    this.height = height;
    this.kind = kind;
    this.gray = gray;
    this.grayOut = grayOut;
    this.bytes = bytes;
    this.shorts = shorts;
    this.base = base;
    this.scan = scan;
    this.stride = stride;
    this.o0 = offsets[0];
    this.o1 = gray ? offsets[0] : offsets[1];
    this.o2 = gray ? offsets[0] : offsets[2];
    this.raster = raster;
    this.palette = palette;
    this.maxSample = maxSample;
  }

  /** A Spark struct: uint8 HWC, B,G,R(,A) or gray. Sizes are validated by the caller. */
  static PixelSource ofBgr(int height, int width, int nChannels, byte[] data, int base,
      boolean grayOut) {
    int[] offsets = nChannels == 1 ? new int[] {0} : new int[] {2, 1, 0}; // R, G, B offsets
    return new PixelSource(width, height, BYTES, nChannels == 1, grayOut, data, null, base,
        width * nChannels, nChannels, offsets, null, null, null);
  }

  /** A decoded image; UNSUPPORTED_COLOR_MODEL for colour spaces other than gray and RGB. */
  static PixelSource of(BufferedImage img, boolean grayOut) throws ImageException {
    Raster r = img.getRaster();
    ColorModel cm = img.getColorModel();
    SampleModel sm = r.getSampleModel();
    int w = img.getWidth();
    int h = img.getHeight();
    if (cm instanceof IndexColorModel icm) {
      int[] pal = new int[icm.getMapSize()];
      icm.getRGBs(pal);
      for (int i = 0; i < pal.length; i++) {
        pal[i] &= 0xFFFFFF;
      }
      return new PixelSource(w, h, INDEXED, false, grayOut, null, null, 0, 0, 0, new int[3],
          r, pal, null);
    }
    int csType = cm.getColorSpace().getType();
    int colours = cm.getNumColorComponents();
    boolean gray = csType == ColorSpace.TYPE_GRAY && colours == 1;
    if (!gray && !(csType == ColorSpace.TYPE_RGB && colours == 3)) {
      throw new ImageException(ImageException.Code.UNSUPPORTED_COLOR_MODEL, "convert",
          "cannot convert image: colour space " + colourSpaceName(csType) + " with " + colours
              + " components, expected gray or RGB");
    }
    if (sm.getNumBands() < colours) {
      throw new ImageException(ImageException.Code.CORRUPT, "convert", "cannot convert image: "
          + sm.getNumBands() + " raster bands for " + colours + " colour components");
    }
    DataBuffer db = r.getDataBuffer();
    boolean plain = r.getMinX() == 0 && r.getMinY() == 0 && r.getSampleModelTranslateX() == 0
        && r.getSampleModelTranslateY() == 0 && db.getNumBanks() == 1
        && sm instanceof ComponentSampleModel;
    if (plain) {
      ComponentSampleModel csm = (ComponentSampleModel) sm;
      int[] bank = csm.getBankIndices();
      boolean oneBank = true;
      for (int b : bank) {
        oneBank &= b == 0;
      }
      int[] offs = csm.getBandOffsets(); // band i is colour component i (then alpha)
      if (oneBank && db instanceof DataBufferByte dbb) {
        return new PixelSource(w, h, BYTES, gray, grayOut, dbb.getData(), null, db.getOffset(),
            csm.getScanlineStride(), csm.getPixelStride(), offs, null, null, null);
      }
      if (oneBank && db instanceof DataBufferUShort dbs) {
        return new PixelSource(w, h, SHORTS, gray, grayOut, null, dbs.getData(),
            db.getOffset(), csm.getScanlineStride(), csm.getPixelStride(), offs, null, null,
            null);
      }
    }
    int dt = db.getDataType();
    if (dt != DataBuffer.TYPE_BYTE && dt != DataBuffer.TYPE_USHORT && dt != DataBuffer.TYPE_INT
        && dt != DataBuffer.TYPE_SHORT) {
      throw new ImageException(ImageException.Code.UNSUPPORTED_COLOR_MODEL, "convert",
          "cannot convert image: raster data type " + dt + ", expected integer samples");
    }
    int[] max = new int[colours];
    for (int b = 0; b < colours; b++) {
      int bits = sm.getSampleSize(b);
      if (bits < 1 || bits > 16) {
        throw new ImageException(ImageException.Code.UNSUPPORTED_COLOR_MODEL, "convert",
            "cannot convert image: " + bits + " bits per sample, expected 1 to 16");
      }
      max[b] = (1 << bits) - 1;
    }
    int[] bands = gray ? new int[] {0} : new int[] {0, 1, 2};
    return new PixelSource(w, h, GENERIC, gray, grayOut, null, null, 0, 0, 0, bands, r, null,
        max);
  }

  /** Channels per pixel written by {@link #read}: 1 or 3. */
  int channels() {
    return grayOut ? 1 : 3;
  }

  /**
   * Row {@code y} of 8-bit colour pixels as 3 output channels, each {@code v * mul + add} with
   * v the canonical channel {@code from[c]} (the per-pixel path's arithmetic). False, with
   * nothing written, for other pixel kinds.
   */
  boolean readRow(int y, int[] from, float[] mul, float[] add, float[] dst, int off) {
    if (kind != BYTES || grayOut || from.length != 3) {
      return false;
    }
    int[] at = {o0, o1, o2};
    int[] offsets = {at[from[0]], at[from[1]], at[from[2]]};
    for (int o : offsets) {
      if (o >= stride) { // samples not inside their pixel (one bank, planes apart)
        return false;
      }
    }
    PixelConversion.bytesToFloats3(bytes, base + y * scan, width, stride, offsets, mul, add,
        dst, off);
    return true;
  }

  /** Writes the canonical channels of stored pixel (x, y) to {@code t[o..]}, as 0..255. */
  void read(int x, int y, float[] t, int o) {
    int r;
    int g;
    int b;
    switch (kind) {
      case BYTES: {
        int i = base + y * scan + x * stride;
        r = bytes[i + o0] & 0xFF;
        g = bytes[i + o1] & 0xFF;
        b = bytes[i + o2] & 0xFF;
        break;
      }
      case SHORTS: {
        int i = base + y * scan + x * stride;
        r = (shorts[i + o0] & 0xFFFF) >> 8;
        g = (shorts[i + o1] & 0xFFFF) >> 8;
        b = (shorts[i + o2] & 0xFFFF) >> 8;
        break;
      }
      case INDEXED: {
        int idx = raster.getSample(x, y, 0);
        int rgb = idx >= 0 && idx < palette.length ? palette[idx] : 0;
        r = rgb >> 16 & 0xFF;
        g = rgb >> 8 & 0xFF;
        b = rgb & 0xFF;
        break;
      }
      default: {
        r = scaled(raster.getSample(x, y, 0), maxSample[0]);
        if (gray) {
          g = r;
          b = r;
        } else {
          g = scaled(raster.getSample(x, y, 1), maxSample[1]);
          b = scaled(raster.getSample(x, y, 2), maxSample[2]);
        }
      }
    }
    if (grayOut) {
      t[o] = gray ? r : (19595 * r + 38470 * g + 7471 * b + 32768) >> 16;
    } else {
      t[o] = r;
      t[o + 1] = g;
      t[o + 2] = b;
    }
  }

  private static int scaled(int v, int max) {
    if (max == 255) {
      return v & 0xFF;
    }
    if (max == 65535) {
      return (v & 0xFFFF) >> 8;
    }
    int c = Math.min(Math.max(v, 0), max);
    return (c * 255 + max / 2) / max;
  }

  private static String colourSpaceName(int type) {
    switch (type) {
      case ColorSpace.TYPE_CMYK:
        return "CMYK";
      case ColorSpace.TYPE_YCbCr:
        return "YCbCr";
      case ColorSpace.TYPE_CMY:
        return "CMY";
      case ColorSpace.TYPE_Lab:
        return "Lab";
      default:
        return "type " + type;
    }
  }
}
