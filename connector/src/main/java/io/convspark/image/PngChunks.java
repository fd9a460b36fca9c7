package io.convspark.image;

import io.convspark.image.ImageException.Code;
import java.util.zip.CRC32;

/**
 * Strict PNG structure checks that the JDK's reader skips: it ignores chunk CRCs, so a
 * damaged file can decode to a wrong image. Like libpng (and OpenCV's PngSuite test), this
 * refuses bad CRCs on critical chunks, IHDR fields outside the specification, a missing IDAT
 * and chunks that run past the end of the data. Only reads the bytes; allocates nothing.
 */
final class PngChunks {
  private PngChunks() {}

  private static final int SIGNATURE = 8;

  /**
   * The IHDR chunk (first after the signature): complete, CRC, and fields valid. Stage
   * "header"; the caller has matched the signature.
   */
  static void checkHeader(byte[] d, int off, int len) throws ImageException {
    int p = off + SIGNATURE;
    int end = off + len;
    if (end - p < 8 + 13 + 4) {
      throw error(Code.TRUNCATED, "header", len + " bytes end inside the IHDR chunk");
    }
    if (be32(d, p) != 13 || !type(d, p + 4, "IHDR")) {
      throw error(Code.CORRUPT, "header", "the first chunk is not a 13-byte IHDR");
    }
    checkCrc(d, p, 13, "header");
    int depth = d[p + 16] & 0xFF;
    int colour = d[p + 17] & 0xFF;
    String allowed = switch (colour) {
      case 0 -> "1, 2, 4, 8, 16";
      case 3 -> "1, 2, 4, 8";
      case 2, 4, 6 -> "8, 16";
      default -> null;
    };
    if (allowed == null) {
      throw error(Code.CORRUPT, "header", "colour type " + colour
          + ", expected one of [0, 2, 3, 4, 6]");
    }
    if (!(", " + allowed + ",").contains(", " + depth + ",")) {
      throw error(Code.CORRUPT, "header", "bit depth " + depth + " with colour type " + colour
          + ", expected one of [" + allowed + "]");
    }
    if (d[p + 18] != 0 || d[p + 19] != 0 || (d[p + 20] & 0xFF) > 1) {
      throw error(Code.CORRUPT, "header", "compression " + d[p + 18] + ", filter " + d[p + 19]
          + ", interlace " + d[p + 20] + ", expected 0, 0 and 0 or 1");
    }
  }

  /**
   * Every chunk after IHDR up to IEND: inside the data (else TRUNCATED), a good CRC on
   * critical chunks (else CORRUPT; ancillary ones are ignored like libpng does), and at least
   * one IDAT before IEND. Stage "decode".
   */
  static void checkChunks(byte[] d, int off, int len) throws ImageException {
    int end = off + len;
    int p = off + SIGNATURE + 25;
    boolean idat = false;
    while (true) {
      if (end - p < 12) {
        throw error(Code.TRUNCATED, "decode", len + " bytes end before the IEND chunk");
      }
      long n = be32(d, p) & 0xFFFFFFFFL;
      if (n > Integer.MAX_VALUE) {
        throw error(Code.CORRUPT, "decode", "chunk length " + n + " at byte " + (p - off)
            + ", the maximum is 2^31 - 1");
      }
      if (n > end - p - 12) {
        throw error(Code.TRUNCATED, "decode", "a chunk of " + n + " bytes at byte " + (p - off)
            + " runs past the end of the " + len + " bytes");
      }
      boolean critical = (d[p + 4] & 0x20) == 0;
      if (critical) {
        checkCrc(d, p, (int) n, "decode");
      }
      if (type(d, p + 4, "IEND")) {
        break;
      }
      idat |= type(d, p + 4, "IDAT");
      p += 12 + (int) n;
    }
    if (!idat) {
      throw error(Code.CORRUPT, "decode", "no IDAT chunk: the image has no pixel data");
    }
  }

  /** Bits per pixel from a checked IHDR: bit depth times samples per pixel. */
  static int bitsPerPixel(byte[] d, int off) {
    int depth = d[off + SIGNATURE + 16] & 0xFF;
    int samples = switch (d[off + SIGNATURE + 17]) {
      case 2 -> 3;
      case 4 -> 2;
      case 6 -> 4;
      default -> 1; // gray, palette index
    };
    return depth * samples;
  }

  private static void checkCrc(byte[] d, int p, int n, String stage) throws ImageException {
    CRC32 crc = new CRC32();
    crc.update(d, p + 4, 4 + n);
    int stored = be32(d, p + 8 + n);
    if ((int) crc.getValue() != stored) {
      throw error(Code.CORRUPT, stage, "chunk " + new String(d, p + 4, 4,
          java.nio.charset.StandardCharsets.ISO_8859_1) + " has CRC " + Integer.toHexString(
          stored) + ", its data gives " + Long.toHexString(crc.getValue()));
    }
  }

  private static ImageException error(Code code, String stage, String why) {
    return new ImageException(code, stage, "cannot decode png image: " + why);
  }

  private static boolean type(byte[] d, int p, String t) {
    return d[p] == t.charAt(0) && d[p + 1] == t.charAt(1) && d[p + 2] == t.charAt(2)
        && d[p + 3] == t.charAt(3);
  }

  private static int be32(byte[] d, int p) {
    return (d[p] & 0xFF) << 24 | (d[p + 1] & 0xFF) << 16 | (d[p + 2] & 0xFF) << 8
        | (d[p + 3] & 0xFF);
  }
}
