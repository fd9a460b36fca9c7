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
 * <p>Caught: {@link IOException} (TRUNCATED when the cause chain has an {@link EOFException}
 * or the message says the data ended, UNSUPPORTED_FORMAT for "Unsupported Image Type", which is
 * how the JDK's JPEG reader refuses CMYK/YCCK; CORRUPT otherwise); {@link OutOfMemoryError}
 * (TOO_LARGE: only the row's raster was being allocated, so the JVM is fine once it is
 * dropped); every other {@link RuntimeException} and {@link Error} (CORRUPT: decoders throw
 * AIOOBE, NPE, RasterFormatException, IllegalStateException on hostile data). Not caught:
 * other {@link VirtualMachineError}s (StackOverflowError, InternalError) and {@link
 * LinkageError}, which mean the JVM or the class path is broken, not the image. JPEG warnings
 * "premature end" make the image TRUNCATED (libjpeg would otherwise fill it with gray); other
 * warnings are ignored.
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

  static Decoded decode(byte[] data, int off, int len, long maxPixels, double maxRatio)
      throws ImageException {
    String format = sniff(data, off, len);
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
      checkSize(reader, format, w, h, len, maxPixels, maxRatio);
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
    } catch (OutOfMemoryError e) {
      throw new ImageException(Code.TOO_LARGE, stage, "cannot decode " + format + " image: "
          + "out of memory (" + len + " bytes); lower maxPixels or give executors more heap", e);
    } catch (VirtualMachineError | LinkageError e) {
      throw e;
    } catch (RuntimeException | Error e) {
      throw new ImageException(Code.CORRUPT, stage, "cannot decode " + format + " image: "
          + "decoder failed with " + e + " (" + len + " bytes)", e);
    } finally {
      reader.dispose();
    }
  }

  private static void checkSize(ImageReader reader, String format, int w, int h, int len,
      long maxPixels, double maxRatio) throws IOException, ImageException {
    if (w <= 0 || h <= 0) {
      throw new ImageException(Code.CORRUPT, "header", "cannot decode " + format + " image: "
          + "header declares " + w + "x" + h + ", dimensions must be positive");
    }
    long pixels = (long) w * h;
    if (pixels > maxPixels) {
      throw new ImageException(Code.TOO_LARGE, "header", "cannot decode " + format + " image: "
          + "header declares " + w + "x" + h + " = " + pixels + " pixels, more than maxPixels "
          + maxPixels);
    }
    int bits = bitsPerPixel(reader);
    double decoded = (double) pixels * bits / 8;
    if (decoded > maxRatio * len) {
      throw new ImageException(Code.TOO_LARGE, "header", "cannot decode " + format + " image: "
          + "header declares " + w + "x" + h + " at " + bits + " bits per pixel = "
          + (long) decoded + " bytes from " + len + " encoded bytes, ratio "
          + String.format(Locale.ROOT, "%.0f", decoded / len) + " exceeds maxDecodedToFileRatio "
          + maxRatio);
    }
  }

  /**
   * Bits per pixel from the raw image type: null for CMYK JPEG (32); 8 when the reader cannot
   * tell without data that is missing (the JDK's PNG reader scans to IDAT), in which case the
   * read itself will fail.
   */
  private static int bitsPerPixel(ImageReader reader) {
    try {
      ImageTypeSpecifier raw = reader.getRawImageType(0);
      return raw == null ? 32 : Math.max(1, raw.getColorModel().getPixelSize());
    } catch (IOException | RuntimeException e) {
      return 8;
    }
  }

  private static ImageException fromIoException(IOException e, String format, String stage,
      int len) {
    Code code = Code.CORRUPT;
    StringBuilder why = new StringBuilder();
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      String lower = m.toLowerCase(Locale.ROOT);
      if (t instanceof EOFException || lower.contains("end of") || lower.contains("premature")
          || lower.contains("unexpected end")) {
        code = Code.TRUNCATED;
      } else if (code == Code.CORRUPT && lower.contains("unsupported image type")) {
        code = Code.UNSUPPORTED_FORMAT;
      }
      why.append(why.length() == 0 ? "" : ": ").append(t.getClass().getSimpleName()).append(' ')
          .append(m);
    }
    String rule = code == Code.TRUNCATED ? ", the data ends early"
        : code == Code.UNSUPPORTED_FORMAT ? ", colour model not supported (CMYK or YCCK?)" : "";
    return new ImageException(code, stage, "cannot decode " + format + " image of " + len
        + " bytes: " + why + rule, e);
  }

  /**
   * The ImageIO format name for the signature at {@code data[off..]}, or an exception: a
   * prefix of a supported signature is TRUNCATED, a known unsupported one UNSUPPORTED_FORMAT,
   * anything else NOT_AN_IMAGE.
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
      int dib = (d[off + 14] & 0xFF) | (d[off + 15] & 0xFF) << 8 | (d[off + 16] & 0xFF) << 16
          | (d[off + 17] & 0xFF) << 24;
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
    throw new ImageException(Code.NOT_AN_IMAGE, "header", "cannot decode image: " + len
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
