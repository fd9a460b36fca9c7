package io.convspark.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Valid encoded images for the hostile tests, built in memory (no PngSuite download): ImageIO
 * encodings, a PNG encoder whose every byte, CRC and sample is known, JPEG marker segments,
 * and the byte helpers the damaged variants in {@link MalformedImages} are made with.
 */
final class EncodedImages {

  private EncodedImages() {}

  interface Sample {
    int at(int x, int y, int c);
  }

  interface Rgb {
    int at(int x, int y);
  }

  // ---- ImageIO encodings --------------------------------------------------------------------

  static BufferedImage rgb(int w, int h, Rgb f) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, f.at(x, y));
      }
    }
    return img;
  }

  static byte[] smallPng() {
    return encode(rgb(20, 12, (x, y) -> (x * 12) << 16 | (y * 20) << 8 | 77), "png");
  }

  static byte[] encode(BufferedImage img, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertTrue(ImageIO.write(img, format, out), "no " + format + " writer");
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] jpeg(BufferedImage img, float quality) {
    return write("jpeg", w -> {
      ImageWriteParam p = w.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(quality);
      w.write(null, new IIOImage(img, null, null), p);
    });
  }

  static byte[] pngInterlaced(BufferedImage img) {
    return write("png", w -> {
      ImageWriteParam p = w.getDefaultWriteParam();
      p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT); // Adam7
      w.write(null, new IIOImage(img, null, null), p);
    });
  }

  static byte[] animatedGif(BufferedImage... frames) {
    return write("gif", w -> {
      w.prepareWriteSequence(null);
      for (BufferedImage f : frames) {
        w.writeToSequence(new IIOImage(f, null, null), null);
      }
      w.endWriteSequence();
    });
  }

  /** 4 components and no JFIF marker: a CMYK JPEG to every reader. */
  static byte[] cmykJpeg() {
    WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 16, 16, 4, null);
    return write("jpeg", w -> w.write(new IIOImage(r, null, null)));
  }

  private interface WriterBody {
    void write(ImageWriter w) throws IOException;
  }

  private static byte[] write(String format, WriterBody body) {
    ImageWriter w = ImageIO.getImageWritersByFormatName(format).next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      w.setOutput(ios);
      body.write(w);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      w.dispose();
    }
    return out.toByteArray();
  }

  // ---- JPEG marker segments -----------------------------------------------------------------

  /** Sets (or inserts) the Adobe APP14 marker's transform: 0 CMYK, 2 YCCK. */
  static byte[] withAdobeTransform(byte[] jpg, int transform) {
    int at = indexOf(jpg, ascii("Adobe"), 0);
    if (at >= 0) {
      return set(jpg, at + 11, transform);
    }
    return insert(jpg, 2, segment(0xEE, concat(ascii("Adobe"),
        new byte[] {0, 100, 0, 0, 0, 0, (byte) transform})));
  }

  static byte[] segment(int marker, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(4 + payload.length);
    b.put((byte) 0xFF).put((byte) marker).putShort((short) (2 + payload.length)).put(payload);
    return b.array();
  }

  /** APP1 Exif with IFD0 holding only Orientation = {@code o} (big-endian TIFF). */
  static byte[] exifApp1(int o) {
    ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4);
    tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8).putShort((short) 1);
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) o)
        .putShort((short) 0).putInt(0);
    return segment(0xE1, concat(ascii("Exif\0\0"), tiff.array()));
  }

  // ---- a PNG encoder with known bytes -------------------------------------------------------

  /** Filter-0 scanlines: {@code channels} samples of {@code bits} each per pixel. */
  static byte[] rowsOf(int w, int h, int channels, int bits, Sample s) {
    int rowBytes = (w * channels * bits + 7) / 8;
    ByteBuffer b = ByteBuffer.allocate(h * (1 + rowBytes));
    for (int y = 0; y < h; y++) {
      b.put((byte) 0);
      byte[] row = new byte[rowBytes];
      int bit = 0;
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < channels; c++) {
          int v = s.at(x, y, c);
          if (bits == 16) {
            row[bit / 8] = (byte) (v >> 8);
            row[bit / 8 + 1] = (byte) v;
          } else {
            row[bit / 8] |= (byte) (v << (8 - bits - bit % 8));
          }
          bit += bits;
        }
      }
      b.put(row);
    }
    return b.array();
  }

  /** Signature, IHDR, {@code extra} chunks, one IDAT of {@code raw} deflated, IEND. */
  static byte[] png(int w, int h, int depth, int colourType, int interlace, byte[] raw,
      byte[]... extra) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    out.writeBytes(chunk("IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h)
        .put((byte) depth).put((byte) colourType).put((byte) 0).put((byte) 0)
        .put((byte) interlace).array()));
    for (byte[] c : extra) {
      out.writeBytes(c);
    }
    Deflater d = new Deflater(9);
    d.setInput(raw);
    d.finish();
    byte[] buf = new byte[raw.length + 1024];
    int n = d.deflate(buf);
    d.end();
    out.writeBytes(chunk("IDAT", Arrays.copyOf(buf, n)));
    out.writeBytes(chunk("IEND", new byte[0]));
    return out.toByteArray();
  }

  static byte[] chunk(String type, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(12 + data.length);
    byte[] t = ascii(type);
    b.putInt(data.length).put(t).put(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    return b.putInt((int) crc.getValue()).array();
  }

  // ---- bytes --------------------------------------------------------------------------------

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] insert(byte[] b, int at, byte[] what) {
    return concat(Arrays.copyOf(b, at), what, Arrays.copyOfRange(b, at, b.length));
  }

  static byte[] set(byte[] b, int i, int v) {
    byte[] out = b.clone();
    out[i] = (byte) v;
    return out;
  }

  static int indexOf(byte[] b, byte[] what, int from) {
    outer:
    for (int i = from; i + what.length <= b.length; i++) {
      for (int k = 0; k < what.length; k++) {
        if (b[i + k] != what[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
