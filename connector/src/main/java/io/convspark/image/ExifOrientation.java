package io.convspark.image;

/**
 * Reads the EXIF orientation (TIFF tag 0x0112 in IFD0 of the JPEG APP1 "Exif" segment) with
 * bounds checks on every read. Anything malformed means "no orientation" (1): a bad EXIF block
 * never fails an image. Values follow EXIF 2.2: 6 means "rotate 90 degrees clockwise to
 * display", 8 "rotate 90 counter-clockwise", 2/4 mirror, 5/7 transpose/transverse.
 */
final class ExifOrientation {
  private ExifOrientation() {}

  /** Orientation 1..8 of the JPEG in {@code data[off..off+len)}; 1 if absent or malformed. */
  static int read(byte[] data, int off, int len) {
    try {
      return scan(data, off, off + len);
    } catch (RuntimeException e) {
      return 1; // defensive: every index is checked, but EXIF must never fail the image
    }
  }

  private static int scan(byte[] d, int start, int end) {
    if (end - start < 4 || u8(d, start) != 0xFF || u8(d, start + 1) != 0xD8) {
      return 1;
    }
    int p = start + 2;
    while (p + 4 <= end) {
      if (u8(d, p) != 0xFF) {
        return 1;
      }
      int marker = u8(d, p + 1);
      if (marker == 0xFF) { // fill byte
        p++;
        continue;
      }
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        p += 2; // no length field
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) { // start of scan or end of image: no more headers
        return 1;
      }
      int segLen = u16(d, p + 2, false);
      if (segLen < 2 || p + 2 + segLen > end) {
        return 1;
      }
      int body = p + 4;
      int bodyEnd = p + 2 + segLen;
      if (marker == 0xE1 && bodyEnd - body >= 14 && d[body] == 'E' && d[body + 1] == 'x'
          && d[body + 2] == 'i' && d[body + 3] == 'f' && d[body + 4] == 0 && d[body + 5] == 0) {
        int o = fromTiff(d, body + 6, bodyEnd);
        if (o != 0) {
          return o;
        }
      }
      p = bodyEnd;
    }
    return 1;
  }

  /** The orientation in the TIFF structure at {@code d[t..end)}, or 0 if absent/malformed. */
  private static int fromTiff(byte[] d, int t, int end) {
    boolean little;
    if (d[t] == 'I' && d[t + 1] == 'I') {
      little = true;
    } else if (d[t] == 'M' && d[t + 1] == 'M') {
      little = false;
    } else {
      return 0;
    }
    if (u16(d, t + 2, little) != 42) {
      return 0;
    }
    long ifd = u32(d, t + 4, little);
    if (ifd < 8 || t + ifd + 2 > end) {
      return 0;
    }
    int p = (int) (t + ifd);
    int count = u16(d, p, little);
    p += 2;
    for (int i = 0; i < count && p + 12 <= end; i++, p += 12) {
      if (u16(d, p, little) == 0x0112) {
        int type = u16(d, p + 2, little);
        long n = u32(d, p + 4, little);
        if (type != 3 || n != 1) { // SHORT, one value, stored in the first 2 value bytes
          return 0;
        }
        int v = u16(d, p + 8, little);
        return v >= 1 && v <= 8 ? v : 0;
      }
    }
    return 0;
  }

  private static int u8(byte[] d, int i) {
    return d[i] & 0xFF;
  }

  private static int u16(byte[] d, int i, boolean little) {
    return little ? (d[i] & 0xFF) | (d[i + 1] & 0xFF) << 8 : (d[i] & 0xFF) << 8 | (d[i + 1] & 0xFF);
  }

  private static long u32(byte[] d, int i, boolean little) {
    return little
        ? (u16(d, i, true) & 0xFFFFL) | (u16(d, i + 2, true) & 0xFFFFL) << 16
        : (u16(d, i, false) & 0xFFFFL) << 16 | (u16(d, i + 2, false) & 0xFFFFL);
  }
}
