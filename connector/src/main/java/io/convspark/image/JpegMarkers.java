package io.convspark.image;

import io.convspark.image.ImageException.Code;

/**
 * A strict check the JDK's JPEG reader skips: it decodes a file whose entropy data is complete
 * but whose EOI marker is missing without a warning, so a file cut right at the end would be
 * accepted. Reads the bytes only; allocates nothing.
 */
final class JpegMarkers {
  private JpegMarkers() {}

  /**
   * TRUNCATED unless an EOI (FF D9) follows the first SOS. Entropy-coded data cannot contain
   * FF D9 (a data FF is stuffed as FF 00), so the first one after SOS is the real end, and
   * bytes after it (padding, appended data) are allowed. If the marker segments before SOS do
   * not parse, the decoder is left to report them.
   */
  static void checkEoi(byte[] d, int off, int len) throws ImageException {
    int end = off + len;
    int p = off + 2;
    while (true) {
      while (p < end && d[p] == (byte) 0xFF && p + 1 < end && d[p + 1] == (byte) 0xFF) {
        p++; // fill bytes
      }
      if (p + 4 > end || d[p] != (byte) 0xFF) {
        return;
      }
      int marker = d[p + 1] & 0xFF;
      int segment = (d[p + 2] & 0xFF) << 8 | (d[p + 3] & 0xFF);
      if (segment < 2) {
        return;
      }
      p += 2 + segment;
      if (marker == 0xDA) {
        break;
      }
    }
    for (int i = p; i + 1 < end; i++) {
      if (d[i] == (byte) 0xFF && d[i + 1] == (byte) 0xD9) {
        return;
      }
    }
    throw new ImageException(Code.TRUNCATED, "decode", "cannot decode jpeg image of " + len
        + " bytes: no EOI marker after the scan data, the data ends early");
  }
}
