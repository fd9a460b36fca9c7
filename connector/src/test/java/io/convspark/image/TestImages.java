package io.convspark.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Builds small images in memory and encodes them. */
public final class TestImages {
  private TestImages() {}

  interface Rgb {
    int at(int x, int y); // 0xRRGGBB
  }

  static BufferedImage rgb(int w, int h, Rgb f) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, f.at(x, y));
      }
    }
    return img;
  }

  /** 8-bit gray raster image with samples v(x, y) (set on the raster, no colour conversion). */
  static BufferedImage gray(int w, int h, Rgb v) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, v.at(x, y));
      }
    }
    return img;
  }

  static byte[] encode(BufferedImage img, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no " + format + " writer for image type "
            + img.getType());
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] jpeg(BufferedImage img, float quality) {
    try {
      ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
        w.setOutput(ios);
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(quality);
        w.write(null, new IIOImage(img, null, null), p);
      } finally {
        w.dispose();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Inserts {@code segment} (marker and length included) right after the JPEG's SOI. */
  static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
    byte[] out = new byte[jpeg.length + segment.length];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(segment, 0, out, 2, segment.length);
    System.arraycopy(jpeg, 2, out, 2 + segment.length, jpeg.length - 2);
    return out;
  }

  /** APP1 Exif segment with IFD0 holding only Orientation (SHORT) = {@code orientation}. */
  static byte[] exifApp1(int orientation, boolean bigEndian) {
    ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4);
    tiff.order(bigEndian ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
    tiff.put(bigEndian ? (byte) 'M' : (byte) 'I').put(bigEndian ? (byte) 'M' : (byte) 'I');
    tiff.putShort((short) 42).putInt(8);
    tiff.putShort((short) 1);
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation)
        .putShort((short) 0);
    tiff.putInt(0);
    return app1(tiff.array());
  }

  static byte[] app1(byte[] tiff) {
    int len = 2 + 6 + tiff.length;
    ByteBuffer b = ByteBuffer.allocate(2 + len);
    b.put((byte) 0xFF).put((byte) 0xE1).putShort((short) len);
    b.put(new byte[] {'E', 'x', 'i', 'f', 0, 0}).put(tiff);
    return b.array();
  }

  /** A PNG of signature, IHDR (valid CRC) and IEND only: no pixel data at all. */
  public static byte[] pngHeaderOnly(int width, int height, int bitDepth, int colourType) {
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width).putInt(height).put((byte) bitDepth).put((byte) colourType)
        .put((byte) 0).put((byte) 0).put((byte) 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    out.writeBytes(chunk("IHDR", ihdr.array()));
    out.writeBytes(chunk("IEND", new byte[0]));
    return out.toByteArray();
  }

  static byte[] chunk(String type, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(12 + data.length);
    b.putInt(data.length);
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    b.put(t).put(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  static PreprocessOptions identity(int h, int w, int channels, ChannelOrder order) {
    float[] one = new float[channels];
    java.util.Arrays.fill(one, 1f);
    return PreprocessOptions.scale(h, w, channels, ResizeMode.STRETCH, 0, order, one,
        new float[channels]);
  }

  static float[] run(PreprocessOptions o, byte[] bytes) throws ImageException {
    ImagePreprocessor p = new ImagePreprocessor(o);
    float[] dst = new float[p.floatsPerImage()];
    java.util.Arrays.fill(dst, Float.NaN);
    p.fromEncoded(bytes, 0, bytes.length, dst, 0);
    return dst;
  }
}
