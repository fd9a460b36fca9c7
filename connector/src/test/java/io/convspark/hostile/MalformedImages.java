package io.convspark.hostile;

import static io.convspark.hostile.EncodedImages.ascii;
import static io.convspark.hostile.EncodedImages.chunk;
import static io.convspark.hostile.EncodedImages.indexOf;
import static io.convspark.hostile.EncodedImages.png;
import static io.convspark.hostile.EncodedImages.set;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Images that lie or are broken: headers declaring sizes with (almost) no pixel data behind
 * them, for the bomb cases, and the PngSuite corruptions rebuilt from {@link EncodedImages}.
 */
final class MalformedImages {

  private MalformedImages() {}

  // ---- headers declaring a size ------------------------------------------------------------

  /** A PNG of w x h with no IDAT: the size guards must decide from IHDR alone. */
  static byte[] pngHeaderOnly(int w, int h, int depth, int colourType) {
    byte[] full = png(w, h, depth, colourType, 0, new byte[0]);
    return withoutChunk(full, "IDAT");
  }

  /** GIF89a whose screen and first image descriptor declare w x h, with 1 byte of data. */
  static byte[] gifHeader(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("GIF89a")).putShort((short) w).putShort((short) h).put((byte) 0x80)
        .put((byte) 0).put((byte) 0); // global colour table of 2 entries
    b.put(new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255});
    b.put((byte) 0x2C).putShort((short) 0).putShort((short) 0).putShort((short) w)
        .putShort((short) h).put((byte) 0);
    b.put((byte) 2).put((byte) 1).put((byte) 0x44).put((byte) 0).put((byte) 0x3B);
    return Arrays.copyOf(b.array(), b.position());
  }

  /** A BMP file and info header (40 bytes) declaring w x h at {@code bpp}, 4 pixel bytes. */
  static byte[] bmpHeader(int w, int h, int bpp) {
    ByteBuffer b = ByteBuffer.allocate(58).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 'B').put((byte) 'M').putInt(58).putInt(0).putInt(54);
    b.putInt(40).putInt(w).putInt(h).putShort((short) 1).putShort((short) bpp).putInt(0)
        .putInt(0).putInt(2835).putInt(2835).putInt(0).putInt(0);
    return b.array();
  }

  /** The JPEG with its SOF0 height and width replaced: a header declaring another size. */
  static byte[] withJpegSize(byte[] jpg, int w, int h) {
    int sof = indexOf(jpg, new byte[] {(byte) 0xFF, (byte) 0xC0}, 2);
    assertTrue(sof > 0, "baseline JPEG");
    byte[] out = jpg.clone();
    out[sof + 5] = (byte) (h >> 8);
    out[sof + 6] = (byte) h;
    out[sof + 7] = (byte) (w >> 8);
    out[sof + 8] = (byte) w;
    return out;
  }

  // ---- PngSuite corruptions ----------------------------------------------------------------

  /** The PNG with IHDR's bit depth and colour type replaced, CRC recomputed (PngSuite xc/xd). */
  static byte[] ihdr(byte[] png, int depth, int colourType) {
    byte[] data = Arrays.copyOfRange(png, 16, 29);
    data[8] = (byte) depth;
    data[9] = (byte) colourType;
    byte[] out = png.clone();
    System.arraycopy(chunk("IHDR", data), 0, out, 8, 25);
    return out;
  }

  static byte[] withoutChunk(byte[] png, String type) {
    int p = chunkAt(png, type);
    int n = ByteBuffer.wrap(png, p, 4).getInt();
    byte[] out = Arrays.copyOf(png, png.length - 12 - n);
    System.arraycopy(png, p + 12 + n, out, p, png.length - p - 12 - n);
    return out;
  }

  static byte[] flipIdatCrc(byte[] png) {
    int p = chunkAt(png, "IDAT");
    int n = ByteBuffer.wrap(png, p, 4).getInt();
    return set(png, p + 8 + n, png[p + 8 + n] ^ 0x01);
  }

  /** Every occurrence of {@code from} replaced by {@code to} (ISO-8859-1 round trip). */
  static byte[] replace(byte[] b, String from, String to) {
    return ascii(new String(b, StandardCharsets.ISO_8859_1).replace(from, to));
  }

  private static int chunkAt(byte[] png, String type) {
    for (int p = 8; p + 8 <= png.length; p += 12 + ByteBuffer.wrap(png, p, 4).getInt()) {
      if (new String(png, p + 4, 4, StandardCharsets.ISO_8859_1).equals(type)) {
        return p;
      }
    }
    throw new AssertionError("no " + type + " chunk");
  }
}
