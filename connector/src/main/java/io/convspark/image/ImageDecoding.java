package io.convspark.image;

import io.convspark.image.ImageException.Code;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Encoded bytes to a {@link BufferedImage} with javax.imageio, refusing by signature and header
 * before any pixel is decoded, and turning every decoder failure into an {@link
 * ImageException}.
 *
 * <p>Size limits come first: the reader parses only the header ({@code getWidth},
 * {@code getHeight}, {@code getRawImageType}), then {@code maxPixels}, {@code
 * maxDecodedToFileRatio} and the Java array limit are checked with long arithmetic
 * (IMAGE_TOO_LARGE), and only then are pixels allocated. A BMP's header is checked before the
 * reader sees it (the JDK's reader allocates its palette from the pixel-data offset). This,
 * not catching {@link OutOfMemoryError}, is the defence against decompression bombs: on an
 * executor an OOM is fatal to every task in the JVM. Strict structure checks the JDK skips
 * run next: PNG chunks and CRCs ({@link PngChunks}) and the JPEG EOI ({@link JpegMarkers}).
 *
 * <p>Caught: {@link IOException} (TRUNCATED when the cause chain has an {@link EOFException}
 * or the message says the data ended; UNSUPPORTED_COLOR_MODEL for "Unsupported Image Type",
 * which is how the JDK's JPEG reader refuses CMYK/YCCK; CORRUPT otherwise) and every other
 * {@link RuntimeException} (CORRUPT: decoders throw AIOOBE, NPE, RasterFormatException,
 * IllegalStateException on hostile data). Never caught: {@link Error}s ({@link
 * VirtualMachineError} such as OutOfMemoryError and StackOverflowError, {@link LinkageError}),
 * which fail the task so that Spark retries it. JPEG warnings "premature end" make the image
 * TRUNCATED (libjpeg would otherwise fill it with gray); other warnings are ignored.
 *
 * <p>No temporary files: the input is a {@link MemoryCacheImageInputStream} over the byte
 * array (never {@code ImageIO.createImageInputStream}, which caches to {@code imageio*.tmp}
 * files while {@code ImageIO.getUseCache()} is true), and every reader is disposed.
 */
final class ImageDecoding {
  private ImageDecoding() {}

  /** A decoded image and its EXIF orientation (1 for non-JPEG). */
  record Decoded(BufferedImage image, int orientation) {}

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
  private static final byte[] GIF87 = {'G', 'I', 'F', '8', '7', 'a'};
  private static final byte[] GIF89 = {'G', 'I', 'F', '8', '9', 'a'};
  private static final byte[] BMP = {'B', 'M'};
  private static final long BI_JPEG = 4;
  private static final long BI_PNG = 5;

  static Decoded decode(byte[] data, int off, int len, long maxPixels, double maxRatio)
      throws ImageException {
    String format = sniff(data, off, len);
    if (format.equals("bmp")) {
      checkBmpHeader(data, off, len, maxPixels, maxRatio);
    } else if (format.equals("png")) {
      PngChunks.checkHeader(data, off, len);
    }
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    if (!readers.hasNext()) {
      throw new ImageException(Code.UNSUPPORTED_FORMAT, "header", "cannot decode image: no "
          + "ImageIO reader for " + format + " in this JVM");
    }
    ImageReader reader = readers.next();
    String stage = "header";
    try (ImageInputStream in =
        new MemoryCacheImageInputStream(new ByteArrayInputStream(data, off, len))) {
      reader.setInput(in, true, true);
      int w = reader.getWidth(0);
      int h = reader.getHeight(0);
      int bits = format.equals("png") ? PngChunks.bitsPerPixel(data, off)
          : bitsPerPixel(reader);
      checkSize(format, w, h, bits, len, maxPixels, maxRatio);
      // Structure after the size check: a header-only bomb is IMAGE_TOO_LARGE, not CORRUPT.
      if (format.equals("png")) {
        PngChunks.checkChunks(data, off, len);
      } else if (format.equals("jpeg")) {
        JpegMarkers.checkEoi(data, off, len);
      }
      Truncation warnings = new Truncation();
      reader.addIIOReadWarningListener(warnings);
      stage = "decode";
      BufferedImage img = reader.read(0, reader.getDefaultReadParam());
      if (warnings.message != null) {
        throw new ImageException(Code.TRUNCATED, stage, "cannot decode " + format + " image: "
            + warnings.message + " (" + len + " bytes)");
      }
      if (img == null || img.getWidth() != w || img.getHeight() != h) {
        throw new ImageException(Code.CORRUPT, stage, "cannot decode " + format + " image: "
            + "header declares " + w + "x" + h + ", decoder returned "
            + (img == null ? "nothing" : img.getWidth() + "x" + img.getHeight()));
      }
      int orientation = format.equals("jpeg") ? ExifOrientation.read(data, off, len) : 1;
      return new Decoded(img, orientation);
    } catch (ImageException e) {
      throw e;
    } catch (IOException e) {
      throw fromIoException(e, format, stage, len);
    } catch (RuntimeException e) { // Errors propagate: see the class description
      throw new ImageException(Code.CORRUPT, stage, "cannot decode " + format + " image: "
          + "decoder failed with " + e + " (" + len + " bytes)", e);
    } finally {
      reader.dispose();
    }
  }

  /** The largest Java array: a raster's data array cannot hold more elements. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private static void checkSize(String format, int w, int h, int bits, int len,
      long maxPixels, double maxRatio) throws ImageException {
    if (w <= 0 || h <= 0) {
      throw new ImageException(Code.CORRUPT, "header", "cannot decode " + format + " image: "
          + "header declares " + w + "x" + h + ", dimensions must be positive");
    }
    long pixels = (long) w * h; // long: 65536 x 65536 is 0 in int arithmetic
    if (pixels > maxPixels) {
      throw new ImageException(Code.IMAGE_TOO_LARGE, "header", "cannot decode " + format
          + " image: header declares " + w + "x" + h + " = " + pixels + " pixels, more than "
          + "maxPixels " + maxPixels);
    }
    long decoded = pixels > Long.MAX_VALUE / 64 ? Long.MAX_VALUE : (pixels * bits + 7) / 8;
    if (decoded > maxRatio * len) {
      throw new ImageException(Code.IMAGE_TOO_LARGE, "header", "cannot decode " + format
          + " image: header declares " + w + "x" + h + " at " + bits + " bits per pixel = "
          + decoded + " bytes from " + len + " encoded bytes, ratio "
          + String.format(Locale.ROOT, "%.0f", (double) decoded / len)
          + " exceeds maxDecodedToFileRatio " + maxRatio);
    }
    if (decoded > MAX_ARRAY) {
      throw new ImageException(Code.IMAGE_TOO_LARGE, "header", "cannot decode " + format
          + " image: header declares " + w + "x" + h + " at " + bits + " bits per pixel = "
          + decoded + " bytes, more than one Java array holds (" + MAX_ARRAY + ")");
    }
  }

  /**
   * A BMP's size limits from its own header, before the JDK's reader (which refuses a large
   * BI_RGB header itself, but as a generic IIOException); and its pixel data offset (bytes
   * 10..13), which must lie inside the file: the reader sizes its palette array from it before
   * any check, so 0x7FFFFFF0 would allocate 2 GiB.
   */
  private static void checkBmpHeader(byte[] d, int off, int len, long maxPixels,
      double maxRatio) throws ImageException {
    long dib = le32(d, off + 14); // sniff saw a known size, at least 12
    boolean os2 = dib == 12;
    if (len < 14 + (os2 ? 12 : 30)) {
      throw new ImageException(Code.TRUNCATED, "header", "cannot decode bmp image: " + len
          + " bytes end inside the " + dib + "-byte header");
    }
    int w = os2 ? le16(d, off + 18) : (int) le32(d, off + 18);
    int h = os2 ? le16(d, off + 20) : (int) le32(d, off + 22);
    int bits = os2 ? le16(d, off + 24) : le16(d, off + 28);
    // a negative height means top-down rows; Math.abs(MIN_VALUE) stays negative: refused
    checkSize("bmp", w, h == Integer.MIN_VALUE ? h : Math.abs(h), Math.max(bits, 1), len,
        maxPixels, maxRatio);
    long compression = os2 ? 0 : le32(d, off + 30);
    if (compression == BI_JPEG || compression == BI_PNG) {
      // The JDK hands the embedded stream to its JPEG/PNG reader without our checks; a fuzzed
      // BI_PNG took minutes there. Real BMPs almost never embed one.
      throw new ImageException(Code.UNSUPPORTED_FORMAT, "header", "cannot decode bmp image:"
          + " compression " + compression + " (" + (compression == BI_JPEG ? "BI_JPEG" : "BI_PNG")
          + ", an embedded stream) is not supported; uncompressed, RLE and bitfields are");
    }
    long declaredSize = le32(d, off + 2);
    long pixelOffset = le32(d, off + 10);
    if (pixelOffset > len || pixelOffset < 14 + dib) {
      Code code = pixelOffset <= declaredSize && declaredSize > len ? Code.TRUNCATED
          : Code.CORRUPT;
      throw new ImageException(code, "header", "cannot decode bmp image: pixel data offset "
          + pixelOffset + ", expected within the header and the file's " + len + " bytes"
          + (code == Code.TRUNCATED ? " (the header declares " + declaredSize + " bytes)"
          : ""));
    }
  }

  private static int le16(byte[] d, int i) {
    return (d[i] & 0xFF) | (d[i + 1] & 0xFF) << 8;
  }

  private static long le32(byte[] d, int i) {
    return (d[i] & 0xFFL) | (d[i + 1] & 0xFFL) << 8 | (d[i + 2] & 0xFFL) << 16
        | (d[i + 3] & 0xFFL) << 24;
  }

  /**
   * Bits per pixel from the raw image type: null for CMYK JPEG (32); 24 when the reader cannot
   * tell without data that is missing, in which case the read itself will fail. (PNG's come
   * from IHDR: the JDK's reader scans to IDAT for them.)
   */
  private static int bitsPerPixel(ImageReader reader) {
    try {
      ImageTypeSpecifier raw = reader.getRawImageType(0);
      return raw == null ? 32 : Math.max(1, raw.getColorModel().getPixelSize());
    } catch (IOException | RuntimeException e) {
      return 24;
    }
  }

  private static ImageException fromIoException(IOException e, String format, String stage,
      int len) {
    Code code = Code.CORRUPT;
    StringBuilder why = new StringBuilder();
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      String lower = m.toLowerCase(Locale.ROOT);
      if (lower.contains("maximum supported image dimension")) {
        code = Code.IMAGE_TOO_LARGE; // libjpeg's own header limit, 65500 pixels a side
      } else if (code != Code.IMAGE_TOO_LARGE && (t instanceof EOFException
          || lower.contains("end of") || lower.contains("premature")
          || lower.contains("unexpected end"))) {
        code = Code.TRUNCATED;
      } else if (code == Code.CORRUPT && lower.contains("unsupported image type")) {
        code = Code.UNSUPPORTED_COLOR_MODEL;
      }
      why.append(why.length() == 0 ? "" : ": ").append(t.getClass().getSimpleName()).append(' ')
          .append(m);
    }
    String rule = code == Code.TRUNCATED ? ", the data ends early"
        : code == Code.UNSUPPORTED_COLOR_MODEL ? ", colour model not supported (CMYK or YCCK?)"
        : code == Code.IMAGE_TOO_LARGE ? ", decided from the header" : "";
    return new ImageException(code, stage, "cannot decode " + format + " image of " + len
        + " bytes: " + why + rule, e);
  }

  /**
   * The ImageIO format name for the signature at {@code data[off..]}, or an exception: a
   * prefix of a supported signature is TRUNCATED, anything else (a known unsupported format,
   * text, a PDF) UNSUPPORTED_FORMAT.
   */
  static String sniff(byte[] d, int off, int len) throws ImageException {
    if (startsWith(d, off, len, JPEG)) {
      return "jpeg";
    }
    if (startsWith(d, off, len, PNG)) {
      return "png";
    }
    if (startsWith(d, off, len, GIF87) || startsWith(d, off, len, GIF89)) {
      return "gif";
    }
    if (startsWith(d, off, len, BMP) && len >= 18) {
      long dib = le32(d, off + 14);
      if (dib == 12 || dib == 16 || dib == 40 || dib == 52 || dib == 56 || dib == 64
          || dib == 108 || dib == 124) {
        return "bmp";
      }
    }
    for (byte[] sig : new byte[][] {PNG, JPEG, GIF87, GIF89}) {
      if (len < sig.length && startsWith(d, off, len, java.util.Arrays.copyOf(sig, len))) {
        throw new ImageException(Code.TRUNCATED, "header", "cannot decode image: " + len
            + " bytes, the start of a " + (sig == PNG ? "PNG" : sig == JPEG ? "JPEG" : "GIF")
            + " signature");
      }
    }
    String other = unsupported(d, off, len);
    if (other != null) {
      throw new ImageException(Code.UNSUPPORTED_FORMAT, "header", "cannot decode " + other
          + " image: supported formats are [JPEG, PNG, GIF, BMP]");
    }
    throw new ImageException(Code.UNSUPPORTED_FORMAT, "header", "cannot decode image: " + len
        + " bytes starting " + hex(d, off, Math.min(len, 8)) + " have no JPEG, PNG, GIF or BMP "
        + "signature");
  }

  private static String unsupported(byte[] d, int off, int len) {
    if (startsWith(d, off, len, new byte[] {'I', 'I', 42, 0})
        || startsWith(d, off, len, new byte[] {'M', 'M', 0, 42})) {
      return "TIFF";
    }
    if (len >= 12 && startsWith(d, off, len, new byte[] {'R', 'I', 'F', 'F'})
        && d[off + 8] == 'W' && d[off + 9] == 'E' && d[off + 10] == 'B' && d[off + 11] == 'P') {
      return "WebP";
    }
    if (len >= 12 && d[off + 4] == 'f' && d[off + 5] == 't' && d[off + 6] == 'y'
        && d[off + 7] == 'p') {
      return "HEIF/AVIF";
    }
    if (startsWith(d, off, len, new byte[] {0, 0, 0, 12, 'j', 'P', ' ', ' '})
        || startsWith(d, off, len, new byte[] {(byte) 0xFF, 0x4F, (byte) 0xFF, 0x51})) {
      return "JPEG 2000";
    }
    if (startsWith(d, off, len, new byte[] {'8', 'B', 'P', 'S'})) {
      return "PSD";
    }
    return null;
  }

  private static boolean startsWith(byte[] d, int off, int len, byte[] sig) {
    if (len < sig.length) {
      return false;
    }
    for (int i = 0; i < sig.length; i++) {
      if (d[off + i] != sig[i]) {
        return false;
      }
    }
    return true;
  }

  private static String hex(byte[] d, int off, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(String.format(Locale.ROOT, "%02x", d[off + i] & 0xFF));
    }
    return sb.toString();
  }

  /** Records the first JPEG warning that means the data ended early. */
  private static final class Truncation implements IIOReadWarningListener {
    String message;

    @Override
    public void warningOccurred(ImageReader source, String warning) {
      if (message == null && warning != null
          && warning.toLowerCase(Locale.ROOT).contains("premature end")) {
        message = warning;
      }
    }
  }
}
